import { expect, test } from "bun:test";
import { chmodSync, copyFileSync } from "node:fs";
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
  "exec --check below its floor is refused first (a wrapper shares the fence), not run into a false OOM kill; at 32m the check's code is brink's",
  async () => {
    chmodSync(tmp, 0o755);
    copyFileSync(join(import.meta.dir, "fixtures/attack3/exits.ts"), join(tmp, "exits.ts"));
    const run = testRunId("attack3-exec-check-floor");
    const plain = await brink(
      ["exec", "--memory", "8m", "--project", tmp, "--", "bun", "exits.ts", "0"],
      { run },
    );
    expect(plain.code).toBe(0);
    // With --check a Bun wrapper shares the fence with the command: 8m cannot hold both (the
    // command was reported OOM-killed, exit 137, and no check ran). brink now says so first.
    const checked = await brink(
      [
        ...["exec", "--memory", "8m", "--project", tmp, "--check", "bun exits.ts 4"],
        ...["--", "bun", "exits.ts", "0"],
      ],
      { run },
    );
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain(
      "--memory 8m cannot be honoured: with --check, its wrapper and the command (two Bun processes) need 32m",
    );
    const enough = await brink(
      [
        ...["exec", "--memory", "32m", "--project", tmp, "--check", "bun exits.ts 4"],
        ...["--", "bun", "exits.ts", "0"],
      ],
      { run },
    );
    expect(enough.code).toBe(4);
    expect(await leftovers(run)).toBe(0);
  },
);
