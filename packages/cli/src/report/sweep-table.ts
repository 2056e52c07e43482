import { cleanTerminalText } from "./escape.ts";
import type { FaultSweep, SweepReport, SweepRow } from "./sweep-report.ts";
import { clip, toText } from "./text.ts";

/**
 * An strace line shortened to `width` code points without cutting its result: the
 * arguments are elided ("…") so that ` = -1 ENOSPC (INJECTED)` stays whole, and so does a
 * last argument that is a number (the count asked, beside what was written); the errno's
 * description goes first when even that is too long. Not escaped: see `sweepRowLine`.
 *
 * @example
 * shortCall('write(5</scratch/data.json>, "{...long...}", 4096) = -1 ENOSPC (No space left on device) (INJECTED)', 60)
 * // 'write(5</scr…, 4096) = -1 ENOSPC (No space left on device) (INJECTED)'
 */
export function shortCall(call: string, width = 90): string {
  if (Array.from(call).length <= width) return call;
  const eq = call.lastIndexOf(") = ");
  if (eq < 0) return clip(call, width);
  let head = call.slice(0, eq);
  let tail = call.slice(eq);
  if (Array.from(tail).length > width - 12)
    tail = tail.replace(/^(\) = -?\d+ E[A-Z0-9]+) \([^()]*\)/, "$1");
  // A last argument that is a number (a write's count) stays where it fits: "…, 31930) = 12288".
  const count = /, \d{1,20}$/.exec(head)?.[0] ?? "";
  if (count && count.length + Array.from(tail).length <= width - 12) {
    head = head.slice(0, -count.length);
    tail = `${count}${tail}`;
  }
  const room = Math.max(12, width - Array.from(tail).length);
  return `${clip(head, room)}${tail}`;
}

/**
 * Numbers as ranges: [1,2,3,7,9,10] -> "1-3, 7, 9-10".
 *
 * @example
 * ranges([13, 14, 15, 84]) // "13-15, 84"
 */
export function ranges(ns: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ns.length; ) {
    let j = i;
    while (j + 1 < ns.length && (ns[j + 1] as number) === (ns[j] as number) + 1) j++;
    out.push(i === j ? `${ns[i]}` : `${ns[i]}-${ns[j]}`);
    i = j + 1;
  }
  return out.join(", ");
}

/** The exit column: the signal, or the exit code. */
const exitOf = (r: SweepRow) => cleanTerminalText(r.signal ?? String(r.exitCode));

/**
 * One table line for a sweep step: N (disk:full: bytes free), outcome, exit and the failed
 * call (`shortCall`, "+k more" when it failed several) or, for a step brink ended, why;
 * everything from the container escaped (`cleanTerminalText`).
 *
 * @example
 * process.stderr.write(`${sweepRowLine(row, 80)}\n`);
 */
export function sweepRowLine(r: SweepRow, width = 90): string {
  const more = (r.injectedCount ?? 0) > 1 ? ` (+${(r.injectedCount as number) - 1} more)` : "";
  const call = r.injected
    ? `${cleanTerminalText(shortCall(toText(r.injected.call), width))}${more}`
    : r.evidence
      ? cleanTerminalText(clip(toText(r.evidence), width))
      : "-";
  const key = cleanTerminalText(r.n).padStart(r.fault === "disk:full" ? 7 : 4);
  return `  ${key}  ${cleanTerminalText(r.outcome).padEnd(9)}  ${exitOf(r).padEnd(5)} ${call}`;
}

const END: Record<FaultSweep["end"], string> = {
  complete: "",
  max: "cut by --max",
  stopped: "stopped",
  "not-run": "not run",
};

/** What is missing from a fault's sweep, or "" when nothing is. */
function missing(f: string, s: FaultSweep): string {
  const unit = f === "disk:full" ? "budget" : "N";
  if (s.end === "not-run") return `${f}: not run${s.note ? ` (${s.note})` : ""}`;
  const parts: string[] = [];
  if (s.notRun.length) parts.push(`${unit} ${ranges(s.notRun)} did not finish`);
  if (s.end !== "complete" && s.next !== null) parts.push(`${unit}=${s.next} and on not run`);
  return parts.length ? `${f}: ${END[s.end] ? `${END[s.end]}: ` : ""}${parts.join("; ")}` : "";
}

/** The header of one fault's table. */
function header(f: string, s: FaultSweep, firstBreak: number | null): string[] {
  const name = cleanTerminalText(f);
  const out: string[] = [];
  if (f === "disk:full") {
    const bytes = s.bytes === null ? "an unknown number of" : String(s.bytes);
    out.push(
      `\n${name}: a run with no fault writes ${bytes} bytes under the paths; ${s.runs} budgets run; first break: ${firstBreak === null ? "none" : `${firstBreak} bytes free`}`,
    );
  } else {
    const threads = s.threads && s.threads > 1 ? `; up to ${s.threads} threads made them` : "";
    out.push(
      `\n${name}: ${s.calls ?? "?"} matching calls in a run with no fault${threads}; ${s.runs} runs; first break: ${firstBreak ?? "none"}`,
    );
    if (s.coverage?.never.length)
      out.push(`  call numbers failed in no run: ${clip(ranges(s.coverage.never), 200)}`);
    if (s.coverage?.multiple.length)
      out.push(
        `  runs that failed more than one call (strace counts each thread's calls): N=${ranges(s.coverage.multiple)}`,
      );
  }
  if (s.baseline && s.baseline !== "handled")
    out.push(
      `  with no fault at all the program ${s.baseline === "reported" ? "exited non-zero" : s.baseline}`,
    );
  if (s.note) out.push(`  ${cleanTerminalText(s.note)}`);
  out.push(
    f === "disk:full"
      ? "     free  outcome    exit  first short or failed write"
      : "     N  outcome    exit  injected call",
  );
  return out;
}

/** The terminal table: per fault its coverage, N -> outcome and the call failed; then the summary and what is missing. */
export function sweepTable(report: SweepReport): string {
  const out: string[] = [];
  const gaps: string[] = [];
  for (const f of report.faults) {
    const s = report.sweeps[f];
    if (!s) continue;
    out.push(...header(f, s, report.firstBreak[f] ?? null));
    for (const r of report.results.filter((x) => x.fault === f)) out.push(sweepRowLine(r));
    const m = missing(f, s);
    if (m) gaps.push(`  ${cleanTerminalText(m)}`);
  }
  const s = report.summary;
  out.push(
    `\n${s.total} runs: ${s.handled} handled, ${s.reported} reported, ${s.corrupted} corrupted, ${s.crashed} crashed, ${s.hung} hung, ${s.died} died`,
  );
  if (report.incomplete) out.push(`incomplete: ${cleanTerminalText(report.incomplete)}`);
  if (gaps.length) out.push("missing:", ...gaps);
  out.push("");
  return out.join("\n");
}
