import { nonNegative, safeJson } from "./text.ts";
import { xmlAttr, xmlText } from "./xml-text.ts";

export { ranges, shortCall, sweepRowLine, sweepTable } from "./sweep-table.ts";

/**
 * How one run of a sweep ended: `handled` (exit 0, check passed), `reported` (non-zero exit,
 * check passed), `corrupted` (the check failed), `crashed` (a signal brink did not send),
 * `hung` (past --timeout: its whole tree was killed), `died` (the step itself ended with no
 * answer, e.g. its container was killed: no verdict on the program).
 */
export type SweepOutcome = "handled" | "reported" | "corrupted" | "crashed" | "hung" | "died";

/** One run of a sweep: the Nth matching call of `fault` failed (disk:full: N bytes free). */
export interface SweepRow {
  fault: string;
  /** N; for disk:full the bytes left free on /scratch (the budget). */
  n: number;
  outcome: SweepOutcome;
  exitCode: number | null;
  signal: string | null;
  /** The first call the fault failed (disk:full: the first short or failed write), if any. */
  injected: { syscall: string; call: string } | null;
  /** Every call the fault failed in this run (listed up to 100), `at` its place among the run's matching calls. */
  injections?: { at: number; call: string }[];
  /** How many calls it failed: more than one where threads each reached their Nth call. */
  injectedCount?: number;
  /** Matching calls this run made, across its threads (disk:full: its write calls). */
  calls?: number;
  /** disk:full: bytes free when the command started, and bytes its writes wrote. */
  free?: number | null;
  written?: number | null;
  check: { exitCode: number | null; output: string } | null;
  stderr: string;
  /** Why a hung or died row is what it is, when brink (not the program) knows it. */
  evidence?: string | null;
  durationMs: number;
}

/** How a fault's sweep ended: all of it run, cut by --max, stopped (interrupt, engine lost), or never started. */
export type SweepEnd = "complete" | "max" | "stopped" | "not-run";

/** What one fault's sweep covered. */
export interface FaultSweep {
  /** Matching calls of a run with no fault (disk:full: its write calls); null when unknown. */
  calls: number | null;
  /** The most threads and processes that made them in any run. */
  threads: number | null;
  /** disk:full: the bytes a run with no fault writes under the paths. */
  bytes: number | null;
  /** How the run with no fault ended; anything but handled means the program fails on its own. */
  baseline: SweepOutcome | null;
  runs: number;
  end: SweepEnd;
  /** The first N (disk:full: budget) not run, when `end` is max or stopped. */
  next: number | null;
  /** N below `next` whose run never finished (stopped mid-flight). */
  notRun: number[];
  /** Call numbers (1..calls) failed in at least one run, never failed, and the runs that failed more than one. */
  coverage: { failed: number[]; never: number[]; multiple: number[] } | null;
  note?: string;
}

/** The sweep's JSON report (version 1). */
export interface SweepReport {
  version: 1;
  command: string[];
  faults: string[];
  startedAt: string;
  durationMs: number;
  results: SweepRow[];
  /** Matching calls of each fault's run with no fault (0 when unknown). */
  calls: Record<string, number>;
  sweeps: Record<string, FaultSweep>;
  summary: Record<SweepOutcome | "total", number>;
  /** The first N that broke the program (corrupted, crashed or hung), per fault. */
  firstBreak: Record<string, number | null>;
  incomplete?: string;
}

const BREAKS: SweepOutcome[] = ["corrupted", "crashed", "hung"];
/** Outcomes that fail the sweep: a break, or a step that gave no verdict. */
export const BAD: SweepOutcome[] = [...BREAKS, "died"];

/**
 * Classifies a step from what the program and the check did. `killed`: brink SIGKILLed the
 * program on purpose (a crash point), so its SIGKILL is no crash: the check decides.
 *
 * @example
 * classify({ timedOut: false, exitCode: 1, signal: null, check: { exitCode: 0 } }) // "reported"
 */
export function classify(step: {
  timedOut: boolean;
  exitCode: number | null;
  signal: string | null;
  check: { exitCode: number | null; timedOut?: boolean } | null;
  killed?: boolean;
}): SweepOutcome {
  if (step.timedOut || step.check?.timedOut) return "hung";
  const checkFailed = step.check !== null && step.check.exitCode !== 0;
  if (step.killed && step.signal === "SIGKILL") return checkFailed ? "corrupted" : "handled";
  // A signal is the program's own wait status (strace dies of the signal that killed it); an
  // exit code above 128 without one is a code the program chose, not a crash.
  if (step.signal) return "crashed";
  if (checkFailed) return "corrupted";
  return step.exitCode === 0 ? "handled" : "reported";
}

/** Call numbers failed, never failed, and runs that failed more than one call. */
export function coverageOf(rows: SweepRow[], calls: number | null): FaultSweep["coverage"] {
  const failed = new Set<number>();
  const multiple: number[] = [];
  for (const r of rows) {
    for (const i of r.injections ?? []) failed.add(i.at);
    if ((r.injectedCount ?? (r.injected ? 1 : 0)) > 1) multiple.push(r.n);
  }
  const never: number[] = [];
  for (let at = 1; at <= (calls ?? 0); at++) if (!failed.has(at)) never.push(at);
  return { failed: [...failed].sort((a, b) => a - b), never, multiple };
}

/** A fault's sweep with nothing known: what a report shows for a fault that never started. */
export const notStarted = (): FaultSweep => ({
  calls: null,
  threads: null,
  bytes: null,
  baseline: null,
  runs: 0,
  end: "not-run",
  next: null,
  notRun: [],
  coverage: null,
});

/**
 * Builds the sweep report: per fault its runs and coverage (call numbers from the rows'
 * `injections`; none for disk:full), the summary and the first break.
 *
 * @example
 * const report = buildSweepReport({ command, faults, startedAt, durationMs, results: rows, sweeps });
 */
export function buildSweepReport(
  a: Omit<SweepReport, "version" | "summary" | "firstBreak" | "sweeps" | "calls"> & {
    sweeps?: Record<string, FaultSweep>;
    calls?: Record<string, number>;
  },
): SweepReport {
  const summary = {
    total: a.results.length,
    handled: 0,
    reported: 0,
    corrupted: 0,
    crashed: 0,
    hung: 0,
    died: 0,
  };
  for (const r of a.results) summary[r.outcome]++;
  const firstBreak: Record<string, number | null> = {};
  const sweeps: Record<string, FaultSweep> = {};
  const calls: Record<string, number> = {};
  for (const f of a.faults) {
    const rows = a.results.filter((r) => r.fault === f);
    firstBreak[f] = rows.find((r) => BREAKS.includes(r.outcome))?.n ?? null;
    const s = a.sweeps?.[f] ?? {
      ...notStarted(),
      calls: a.calls?.[f] ?? null,
      end: rows.length ? "complete" : "not-run",
    };
    const disk = f === "disk:full";
    sweeps[f] = { ...s, runs: rows.length, coverage: disk ? null : coverageOf(rows, s.calls) };
    calls[f] = s.calls ?? a.calls?.[f] ?? 0;
  }
  const { results, incomplete, command, faults, startedAt, durationMs } = a;
  return {
    version: 1,
    command,
    faults,
    startedAt,
    durationMs,
    results,
    calls,
    sweeps,
    summary,
    firstBreak,
    ...(incomplete === undefined ? {} : { incomplete }),
  };
}

/** 1 when any step corrupted, crashed, hung or died. */
export function sweepExitCode(report: SweepReport): 0 | 1 {
  return report.results.some((r) => BAD.includes(r.outcome)) ? 1 : 0;
}

/**
 * JUnit: one testsuite per fault, one testcase per N; corrupted, crashed and hung are
 * failures, died an error (no verdict). Everything from the container is escaped.
 */
export function sweepJUnit(report: SweepReport): string {
  const suites = report.faults.map((f) => {
    const rows = report.results.filter((r) => r.fault === f);
    const failures = rows.filter((r) => BREAKS.includes(r.outcome)).length;
    const errors = rows.filter((r) => r.outcome === "died").length;
    const cases = rows.map((r) => {
      const key = f === "disk:full" ? `free=${r.n}` : `N=${r.n}`;
      const head = `    <testcase classname="brink.sweep.${xmlAttr(f)}" name="${xmlAttr(key)}" time="${(nonNegative(r.durationMs) / 1000).toFixed(3)}">`;
      if (!BAD.includes(r.outcome)) return `${head}</testcase>`;
      const body = xmlText(
        safeJson(
          {
            injected: r.injected,
            injections: r.injections,
            injectedCount: r.injectedCount,
            exitCode: r.exitCode,
            signal: r.signal,
            evidence: r.evidence,
            check: r.check,
            stderr: r.stderr,
          },
          2,
        ),
      );
      const outcome = xmlAttr(r.outcome);
      const tag = r.outcome === "died" ? "error" : "failure";
      return `${head}\n      <${tag} message="${outcome}" type="${outcome}">${body}</${tag}>\n    </testcase>`;
    });
    return [
      `  <testsuite name="${xmlAttr(f)}" tests="${rows.length}" failures="${failures}" errors="${errors}" skipped="0">`,
      ...cases,
      "  </testsuite>",
    ].join("\n");
  });
  const s = report.summary;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="brink sweep" tests="${s.total}" failures="${s.corrupted + s.crashed + s.hung}" errors="${s.died}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
