import { cleanTerminalText } from "./escape.ts";
import { clip, nonNegative, safeJson, toText } from "./text.ts";
import { xmlAttr, xmlText } from "./xml-text.ts";

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

/**
 * An strace line shortened to `width` code points without cutting its result: the
 * arguments are elided ("…)") so that ` = -1 ENOSPC (INJECTED)` stays whole (the errno's
 * description goes first when even that is too long). Not escaped: see `sweepRowLine`.
 *
 * @example
 * shortCall('write(5</scratch/data.json>, "{...long...}", 4096) = -1 ENOSPC (No space left on device) (INJECTED)', 60)
 * // 'write(5</scratch/d…) = -1 ENOSPC (No space left on device) (INJECTED)'
 */
export function shortCall(call: string, width = 90): string {
  if (Array.from(call).length <= width) return call;
  const eq = call.lastIndexOf(") = ");
  if (eq < 0) return clip(call, width);
  const head = call.slice(0, eq);
  let tail = call.slice(eq);
  if (Array.from(tail).length > width - 12)
    tail = tail.replace(/^(\) = -?\d+ E[A-Z0-9]+) \([^()]*\)/, "$1");
  const room = Math.max(12, width - Array.from(tail).length);
  return `${clip(head, room)}${tail}`;
}

/** The exit column: the signal, or the exit code. */
const exitOf = (r: SweepRow) => cleanTerminalText(r.signal ?? String(r.exitCode));

/**
 * One table line for a sweep step: N, outcome, exit and the failed call (`shortCall`),
 * everything from the container escaped (`cleanTerminalText`).
 *
 * @example
 * process.stderr.write(`${sweepRowLine(row, 80)}\n`);
 */
export function sweepRowLine(r: SweepRow, width = 90): string {
  const call = r.injected ? cleanTerminalText(shortCall(toText(r.injected.call), width)) : "-";
  return `  ${cleanTerminalText(r.n).padStart(4)}  ${cleanTerminalText(r.outcome).padEnd(9)}  ${exitOf(r).padEnd(5)} ${call}`;
}

/** The terminal table: N -> outcome, and the call that was failed. */
export function sweepTable(report: SweepReport): string {
  const out: string[] = [];
  for (const f of report.faults) {
    out.push(
      `\n${cleanTerminalText(f)}: ${report.calls[f] ?? 0} matching calls; first break: ${report.firstBreak[f] ?? "none"}`,
    );
    out.push("     N  outcome    exit  injected call");
    for (const r of report.results.filter((x) => x.fault === f)) out.push(sweepRowLine(r));
  }
  const s = report.summary;
  out.push(
    `\n${s.total} runs: ${s.handled} handled, ${s.reported} reported, ${s.corrupted} corrupted, ${s.crashed} crashed, ${s.hung} hung`,
  );
  if (report.incomplete) out.push(`incomplete: ${cleanTerminalText(report.incomplete)}`);
  out.push("");
  return out.join("\n");
}

/** JUnit: one testsuite per fault, one testcase per N; corrupted, crashed, hung fail. */
export function sweepJUnit(report: SweepReport): string {
  const suites = report.faults.map((f) => {
    const rows = report.results.filter((r) => r.fault === f);
    const bad = rows.filter((r) => BAD.includes(r.outcome));
    const cases = rows.map((r) => {
      const head = `    <testcase classname="brink.sweep.${xmlAttr(f)}" name="N=${xmlAttr(r.n)}" time="${(nonNegative(r.durationMs) / 1000).toFixed(3)}">`;
      if (!BAD.includes(r.outcome)) return `${head}</testcase>`;
      const body = xmlText(
        safeJson(
          {
            injected: r.injected,
            exitCode: r.exitCode,
            signal: r.signal,
            check: r.check,
            stderr: r.stderr,
          },
          2,
        ),
      );
      const outcome = xmlAttr(r.outcome);
      return `${head}\n      <failure message="${outcome}" type="${outcome}">${body}</failure>\n    </testcase>`;
    });
    return [
      `  <testsuite name="${xmlAttr(f)}" tests="${rows.length}" failures="${bad.length}" errors="0" skipped="0">`,
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
