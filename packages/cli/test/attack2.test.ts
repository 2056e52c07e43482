import { expect } from "bun:test";
import { chmodSync, copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brink, engineTest, leftovers, testDir, testRunId } from "./engine.ts";

const tmp = testDir("brink-attack2-");

engineTest(
  "run: what ctx.pressure hands a suite is an instance of the classes the suite imports from @brink/probes",
  async () => {
    // A project with no node_modules: its suite resolves the image's @brink/probes, the
    // package the probe host itself comes from.
    chmodSync(tmp, 0o755);
    copyFileSync(
      join(import.meta.dir, "fixtures/attack2/dual-copy-suite.ts"),
      join(tmp, "suite.ts"),
    );
    const json = join(tmp, "dual.json");
    const run = testRunId("attack2-dual-copy");
    const r = await brink(
      ["run", "--suite", "suite.ts", "--project", tmp, "--category", "fd", "--json", json],
      { run },
    );
    const report = JSON.parse(readFileSync(json, "utf8")) as {
      results: { id: string; status: string; message: string }[];
    };
    expect(report.results.map((x) => [x.id, x.status, x.message]).sort()).toEqual([
      [
        "fd.ctx-pressure-error-is-probe-error",
        "pass",
        "instanceof ProbeError: true; code BAD_OPTION",
      ],
      ["fd.ctx-pressure-handle-is-fd-pressure", "pass", "instanceof FdPressure: true"],
    ]);
    expect(r.code).toBe(0);
    expect(await leftovers(run)).toBe(0);
  },
);
