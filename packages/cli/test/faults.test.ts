import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brink, engineTest, leftovers, testDir, testRunId } from "./engine.ts";

const tmp = testDir("brink-faults-test-");

engineTest(
  "probes that kill, hang, flood, print junk or exit early: all reported, nothing lost",
  async () => {
    const json = join(tmp, "faults.json");
    const run = testRunId("faults");
    const r = await brink(
      ["run", "--suite", "packages/cli/test/fixtures/suites/faulty.ts", "--json", json],
      { run },
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(json, "utf8"));
    const status = Object.fromEntries(
      report.results.map((x: { id: string; status: string }) => [x.id, x.status]),
    );
    expect(status).toEqual({
      "fd.fault-before": "pass",
      "fd.fault-kills-container": "killed",
      "fd.fault-hangs": "error",
      "fd.fault-floods-stdout": "pass",
      "fd.fault-prints-junk": "pass",
      "fd.fault-exits-early": "error",
      "fd.fault-after": "pass",
    });
    const byId = (id: string) => report.results.find((x: { id: string }) => x.id === id);
    // Each probe runs in a process of its own: one that dies takes only itself down.
    expect(byId("fd.fault-kills-container").observed.process).toMatchObject({
      signal: "SIGKILL",
    });
    expect(byId("fd.fault-hangs").message).toContain("timed out");
    expect(byId("fd.fault-exits-early").message).toContain(
      "exited with code 0 before reporting a verdict",
    );
    expect(await leftovers(run)).toBe(0);
  },
  120_000,
);

engineTest(
  "an engine that answers but refuses the container: exit 3 with the engine's words",
  async () => {
    const run = testRunId("refused");
    const r = await brink(["run", "--category", "fd", "--cpus", "200"], { run });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("the engine refused creating the container");
    expect(r.stderr).toMatch(/CPU/i);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await leftovers(run)).toBe(0);
  },
);

engineTest("an image build that fails: exit 3 with the engine's own message", async () => {
  const run = testRunId("bad-build");
  const bad = await brink(["run", "--category", "fd"], {
    run,
    env: { BRINK_BUN_BINARY: "/no/such/bun" },
  });
  expect(bad.code).toBe(3);
  expect(bad.stderr).toContain("/no/such/bun (BRINK_BUN_BINARY) does not exist");
  // The opt-in official base needs a registry; where none answers (as here), the engine's
  // build fails and brink passes its message on. An engine that can pull builds it instead.
  const r = await brink(["run", "--category", "fd"], { run, env: { BRINK_IMAGE_BASE: "oven" } });
  expect([0, 3]).toContain(r.code);
  if (r.code === 3) expect(r.stderr).toContain("building the probe image failed:");
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(await leftovers(run)).toBe(0);
});
