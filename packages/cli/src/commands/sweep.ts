import { openRunScope } from "../engine/run-scope.ts";
import { BrinkError } from "../errors.ts";
import { faultName, sweepPlanFromArgs } from "../orchestrate/sweep-plan.ts";
import { newSweepState, runSweep } from "../orchestrate/sweep-runner.ts";
import { cleanTerminalText } from "../report/escape.ts";
import {
  buildSweepReport,
  sweepExitCode,
  sweepJUnit,
  sweepRowLine,
  sweepTable,
} from "../report/sweep-report.ts";
import { checkOutputs, writeOut } from "../report/write-reports.ts";

export { ERRNOS, parseFaults, SYSCALLS, sweepPlanFromArgs } from "../orchestrate/sweep-plan.ts";

/**
 * `brink sweep`: fail the Nth matching system call (or kill the program on it), for N = 1,
 * 2, ..., or run it with only K bytes free on /scratch (disk:full), each in a fresh fenced
 * container; check the program's invariants after each, and classify every run.
 *
 * @example
 * process.exitCode = await sweepCommand(["--fault", "write:ENOSPC", "--path", "/scratch/data.json", "--", "bun", "save.ts"]);
 */
export async function sweepCommand(argv: string[]): Promise<number> {
  const plan = sweepPlanFromArgs(argv);
  // An unwritable report is found now, not after every step ran.
  checkOutputs({ json: plan.json, junit: plan.junit });
  if (!Bun.which("strace")) {
    throw new BrinkError(
      "IMAGE_BUILD_FAILED",
      "strace is not on this host, so the probe image has none; install it (apt-get install strace) and run again",
    );
  }
  await using scope = openRunScope();
  const started = Date.now();
  // Filled as the sweep goes: whatever stops it, the finished rows and counts are reported.
  const state = newSweepState(plan);
  let failure: unknown = null;
  try {
    const { session, access } = await scope.project(plan.project, {
      writable: plan.writableProject,
    });
    process.stderr.write(
      `sweeping ${plan.faults.map(faultName).join(", ")} over ${plan.command.join(" ")}...\n`,
    );
    await runSweep(
      session,
      access,
      plan,
      scope.signal,
      (r) => process.stderr.write(`  ${cleanTerminalText(r.fault)}${sweepRowLine(r)}\n`),
      state,
    );
  } catch (e) {
    failure = e;
    scope.abort((e as Error)?.message ?? String(e));
  }
  const stopped = scope.stopped;
  const incomplete =
    stopped?.reason ?? (failure ? String((failure as Error)?.message ?? failure) : undefined);
  const report = buildSweepReport({
    command: plan.command,
    faults: plan.faults.map(faultName),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    results: state.rows,
    sweeps: state.sweeps,
    ...(incomplete === undefined ? {} : { incomplete }),
  });
  if (plan.json) writeOut(plan.json, `${JSON.stringify(report, null, 2)}\n`);
  if (plan.junit) writeOut(plan.junit, sweepJUnit(report));
  if (stopped) {
    process.stdout.write(sweepTable(report));
    return stopped.code;
  }
  if (failure) {
    // Lost mid-sweep (the engine went away): the table says what finished and what is missing.
    if (Object.values(state.sweeps).some((s) => s.end !== "not-run"))
      process.stdout.write(sweepTable(report));
    throw failure;
  }
  process.stdout.write(sweepTable(report));
  const code = sweepExitCode(report);
  // A fault with nothing to fail proved nothing: not a pass (its note says why). A break
  // found by another fault still makes it 1.
  const empty = Object.entries(report.sweeps)
    .filter(([f, x]) => x.end === "complete" && !report.results.some((r) => r.fault === f))
    .map(([f]) => f);
  if (!code && empty.length) {
    process.stderr.write(
      `brink: nothing was swept for ${empty.join(", ")}: the fault failed no call in any run\n`,
    );
    return 3;
  }
  return code;
}
