// What `brink exec` says of its own (issue 16): which fence ended the command when its
// output shows it, and a program missing from the probe image told as that.
import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brink, engineTest, leftovers, testDir, testRunId } from "./engine.ts";

const tmp = testDir("brink-exec-messages-");

engineTest("a command ended by a fence: one brink line on stderr names the fence", async () => {
  const run = testRunId("exec-fence-line");
  const emfile = await brink(
    [
      "exec",
      "--nofile",
      "64",
      "--",
      "bun",
      "-e",
      "const fs = require('node:fs'); const held = []; for (;;) held.push(fs.openSync('/dev/null', 'r'))",
    ],
    { run },
  );
  expect(emfile.code).toBe(1);
  expect(emfile.stderr.trimEnd().split("\n").at(-1)).toBe(
    "brink: the nofile fence (64) was reached: EMFILE, too many open files",
  );
  const oom = await brink(
    [
      "exec",
      "--memory",
      "96m",
      "--disk",
      "10m",
      "--",
      "bun",
      "-e",
      "const held = []; for (;;) held.push(Buffer.alloc(1 << 20, 1))",
    ],
    { run },
  );
  expect(oom.code).toBe(137);
  // The engine's OOMKilled flag is known to miss some kills: then the SIGKILL is the evidence.
  expect(oom.stderr).toMatch(
    /brink: (killed by the memory fence \(96m\): OOM|ended by SIGKILL \(exit 137\), most likely by the memory fence \(96m\))/,
  );
  const fine = await brink(["exec", "--", "bun", "-e", "process.exit(3)"], { run });
  expect(fine.code).toBe(3);
  expect(fine.stderr).not.toContain("brink:");
  expect(await leftovers(run)).toBe(0);
});

engineTest("a program the image does not have: told as that, exit 2, outcome not-run", async () => {
  const run = testRunId("exec-missing");
  const json = join(tmp, "node.json");
  const r = await brink(["exec", "--json", json, "--", "node", "-e", "1"], { run });
  expect(r.code).toBe(2);
  expect(r.stderr).not.toContain("FATAL tini");
  expect(r.stderr).toContain(
    'brink: "node" is not a program in the probe image (it has bun, sleep and strace); Bun runs Node programs: brink exec -- bun -e 1',
  );
  const doc = JSON.parse(readFileSync(json, "utf8"));
  expect(doc.outcome).toBe("not-run");
  expect(doc.error).toContain('"node" is not a program in the probe image');
  const bunx = await brink(["exec", "--", "bunx", "tsc"], { run });
  expect(bunx.code).toBe(2);
  expect(bunx.stderr).toContain("use bun x: brink exec -- bun x tsc");
  expect(await leftovers(run)).toBe(0);
});

engineTest("past --timeout: exit 124 and one line saying so", async () => {
  const run = testRunId("exec-timeout-line");
  const r = await brink(["exec", "--timeout", "1s", "--", "sleep", "30"], { run });
  expect(r.code).toBe(124);
  expect(r.stderr).toContain("brink: --timeout 1s passed: the command was ended (exit 124)");
  expect(await leftovers(run)).toBe(0);
});
