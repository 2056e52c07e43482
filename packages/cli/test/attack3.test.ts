import { expect, test } from "bun:test";
import { chmodSync, copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { GuardError } from "@brink/guard";
import { ProbeError } from "@brink/probes";
import { brink, engineTest, leftovers, testDir, testRunId } from "./engine.ts";

test("instanceof a suite's own subclass of ProbeError or GuardError holds for that subclass only", () => {
  // A suite's ordinary error hierarchy: `catch (e) { if (e instanceof NotFound) ... }`.
  class NotFound extends ProbeError {
    constructor(message: string) {
      super("BAD_OPTION", message);
    }
  }
  class Refused extends GuardError {}
  expect(new NotFound("no key") instanceof NotFound).toBe(true);
  expect(new NotFound("no key") instanceof ProbeError).toBe(true);
  // A plain ProbeError (a timeout from ctx.pressure) is no NotFound; nor a GuardError a Refused.
  expect(new ProbeError("TIMEOUT", "timed out") instanceof NotFound).toBe(false);
  expect(new GuardError("NOT_CONTAINED", "not contained") instanceof Refused).toBe(false);
});

const tmp = testDir("brink-attack3-");

engineTest(
  "exec --check at the exec floor: a command that exits 0 at 8m is not reported OOM-killed because --check is given",
  async () => {
    chmodSync(tmp, 0o755);
    copyFileSync(join(import.meta.dir, "fixtures/attack3/exits.ts"), join(tmp, "exits.ts"));
    const run = testRunId("attack3-exec-check-floor");
    const plain = await brink(
      ["exec", "--memory", "8m", "--project", tmp, "--", "bun", "exits.ts", "0"],
      { run },
    );
    expect(plain.code).toBe(0);
    const json = join(tmp, "exec.json");
    const checked = await brink(
      [
        "exec",
        "--memory",
        "8m",
        "--project",
        tmp,
        "--json",
        json,
        "--check",
        "bun exits.ts 4",
        "--",
        "bun",
        "exits.ts",
        "0",
      ],
      { run },
    );
    const report = JSON.parse(readFileSync(json, "utf8")) as {
      exitCode: number;
      outcome: string;
      check: { exitCode: number } | null;
    };
    // The same command at the same fence, now with --check: it still exits 0 and the check's
    // code is brink's (today the command is reported oom-killed, exit 137, and no check runs).
    expect([report.exitCode, report.outcome, report.check?.exitCode ?? null]).toEqual([
      0,
      "exited",
      4,
    ]);
    expect(checked.code).toBe(4);
    expect(await leftovers(run)).toBe(0);
  },
);
