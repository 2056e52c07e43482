import { xmlEscape } from "./junit.ts";

/** How one injected failure ended. */
export type SweepOutcome = "handled" | "reported" | "corrupted" | "crashed" | "hung";

/** One run of a sweep: the Nth matching call of `fault` failed. */
export interface SweepRow {
  fault: string;
  n: number;
  outcome: SweepOutcome;
  exitCode: number | null;
  signal: string | null;
  injected: { syscall: string; call: string } | null;
  check: { exitCode: number | null; output: string } | null;
  stderr: string;
  durationMs: number;
}

/** The sweep's JSON report (version 1). */
export interface SweepReport {
  version: 1;
  command: string[];
  faults: string[];
  startedAt: string;
  durationMs: number;
  results: SweepRow[];
  /** Matching calls each fault's sweep saw (the last N that had a call to fail). */
  calls: Record<string, number>;
  summary: Record<SweepOutcome | "total", number>;
  /** The first N that broke the program (corrupted, crashed or hung), per fault. */
  firstBreak: Record<string, number | null>;
  incomplete?: string;
}

const BAD: SweepOutcome[] = ["corrupted", "crashed", "hung"];

/** Classifies a step from what the program and the check did. */
export function classify(step: {
  timedOut: boolean;
  exitCode: number | null;
  signal: string | null;
  check: { exitCode: number | null } | null;
}): SweepOutcome {
  if (step.timedOut) return "hung";
  if (step.signal || (step.exitCode ?? 0) > 128) return "crashed";
  if (step.check && step.check.exitCode !== 0) return "corrupted";
  return step.exitCode === 0 ? "handled" : "reported";
}

/** Builds the sweep report. */
export function buildSweepReport(
  a: Omit<SweepReport, "version" | "summary" | "firstBreak">,
): SweepReport {
  const summary = {
    total: a.results.length,
    handled: 0,
    reported: 0,
    corrupted: 0,
    crashed: 0,
    hung: 0,
  };
  for (const r of a.results) summary[r.outcome]++;
  const firstBreak: Record<string, number | null> = {};
  for (const f of a.faults)
    firstBreak[f] = a.results.find((r) => r.fault === f && BAD.includes(r.outcome))?.n ?? null;
  return { version: 1, ...a, summary, firstBreak };
}

/** 1 when any step corrupted, crashed or hung. */
export function sweepExitCode(report: SweepReport): 0 | 1 {
  return report.results.some((r) => BAD.includes(r.outcome)) ? 1 : 0;
}

/** The terminal table: N -> outcome, and the call that was failed. */
export function sweepTable(report: SweepReport): string {
  const out: string[] = [];
  for (const f of report.faults) {
    out.push(
      `\n${f}: ${report.calls[f] ?? 0} matching calls; first break: ${report.firstBreak[f] ?? "none"}`,
    );
    out.push("     N  outcome    exit  injected call");
    for (const r of report.results.filter((x) => x.fault === f)) {
      const exit = r.signal ?? String(r.exitCode);
      out.push(
        `  ${String(r.n).padStart(4)}  ${r.outcome.padEnd(9)}  ${exit.padEnd(5)} ${r.injected?.call.slice(0, 90) ?? "-"}`,
      );
    }
  }
  const s = report.summary;
  out.push(
    `\n${s.total} runs: ${s.handled} handled, ${s.reported} reported, ${s.corrupted} corrupted, ${s.crashed} crashed, ${s.hung} hung\n`,
  );
  return out.join("\n");
}

/** JUnit: one testsuite per fault, one testcase per N; corrupted, crashed, hung fail. */
export function sweepJUnit(report: SweepReport): string {
  const suites = report.faults.map((f) => {
    const rows = report.results.filter((r) => r.fault === f);
    const bad = rows.filter((r) => BAD.includes(r.outcome));
    const cases = rows.map((r) => {
      const head = `    <testcase classname="brink.sweep.${xmlEscape(f)}" name="N=${r.n}" time="${(r.durationMs / 1000).toFixed(3)}">`;
      if (!BAD.includes(r.outcome)) return `${head}</testcase>`;
      const body = xmlEscape(
        JSON.stringify(
          {
            injected: r.injected,
            exitCode: r.exitCode,
            signal: r.signal,
            check: r.check,
            stderr: r.stderr,
          },
          null,
          2,
        ),
      );
      return `${head}\n      <failure message="${r.outcome}" type="${r.outcome}">${body}</failure>\n    </testcase>`;
    });
    return [
      `  <testsuite name="${xmlEscape(f)}" tests="${rows.length}" failures="${bad.length}" errors="0" skipped="0">`,
      ...cases,
      "  </testsuite>",
    ].join("\n");
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="brink sweep" tests="${report.summary.total}" failures="${report.summary.corrupted + report.summary.crashed + report.summary.hung}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
