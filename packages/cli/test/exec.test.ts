import { expect } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brink, engineTest, leftovers, SMALL_FENCES } from "./engine.ts";

const P = "packages/cli/test/fixtures/programs";
const exec = (args: string[], cmd: string[]) =>
  brink(["exec", "--memory", "96m", "--nofile", "64", "--disk", "20m", ...args, "--", ...cmd]);

engineTest("exec: a program that handles EMFILE exits 0", async () => {
  const r = await exec([], ["bun", `${P}/emfile-handled.ts`]);
  expect(r.stdout).toContain("handled EMFILE");
  expect(r.code).toBe(0);
});

engineTest("exec: a program that does not handle EMFILE exits with its own code 1", async () => {
  const r = await exec([], ["bun", `${P}/emfile-unhandled.ts`]);
  expect(r.stderr).toContain("EMFILE");
  expect(r.code).toBe(1);
});

engineTest(
  "exec: an in-place save corrupts the file on ENOSPC; temp-and-rename does not",
  async () => {
    const inplace = await exec([], ["bun", `${P}/save-under-enospc.ts`, "inplace"]);
    expect(inplace.stderr).toContain("save failed: ENOSPC");
    expect(inplace.stderr).toContain("file corrupted");
    expect(inplace.code).toBe(3);
    const atomic = await exec([], ["bun", `${P}/save-under-enospc.ts`, "atomic"]);
    expect(atomic.stderr).toContain("save failed: ENOSPC");
    expect(atomic.stdout).toContain("file intact");
    expect(atomic.code).toBe(0);
  },
);

engineTest("exec: an OOM-killed program exits 137 and the JSON says oomKilled", async () => {
  const json = join(tmpdir(), `brink-exec-${process.pid}.json`);
  try {
    const r = await exec(["--json", json], ["bun", `${P}/oom.ts`]);
    expect(r.code).toBe(137);
    const out = JSON.parse(readFileSync(json, "utf8"));
    expect(out).toMatchObject({
      version: 1,
      command: ["bun", `${P}/oom.ts`],
      exitCode: 137,
      oomKilled: true,
      signal: "SIGKILL",
    });
    expect(out.fence).toMatchObject({ memory: 96 * 2 ** 20, nofile: 64, disk: 20 * 2 ** 20 });
    expect(await leftovers()).toBe(0);
  } finally {
    rmSync(json, { force: true });
  }
});

engineTest("exec: the project is read-only at /work and the fences hold as asked", async () => {
  const r = await brink(["exec", ...SMALL_FENCES, "--", "bun", `${P}/fences.ts`]);
  expect(r.code).toBe(0);
  const f = JSON.parse(r.stdout.trim().split("\n").at(-1) as string);
  expect(f).toMatchObject({
    memory: 96 * 2 ** 20,
    swap: 0,
    pids: 50,
    nofile: { soft: 64, hard: 64 },
    stack: { soft: 2 * 2 ** 20, hard: 2 * 2 ** 20 },
  });
  expect(f.disk.total).toBe(20 * 2 ** 20);
  const w = await brink([
    "exec",
    "--",
    "bun",
    "-e",
    "require('node:fs').writeFileSync('/work/x', 'y')",
  ]);
  expect(w.code).not.toBe(0);
  expect(w.stderr).toMatch(/EROFS|read-only/i);
});

engineTest("ensureFenced(): refuses on the host, proceeds in the fenced container", async () => {
  const host = Bun.spawnSync(["bun", `${P}/needs-fence.ts`], {
    env: { ...process.env, BRINK_DESTRUCTIVE: "1" },
    cwd: join(import.meta.dir, "../../.."),
  });
  expect(host.exitCode).toBe(1);
  expect(host.stderr.toString()).toContain("refused: refusing destructive work");
  const fenced = await brink(["exec", "--", "bun", `${P}/needs-fence.ts`]);
  expect(fenced.stdout).toContain("fenced: memory 134217728, nofile 256");
  expect(fenced.code).toBe(0);
});
