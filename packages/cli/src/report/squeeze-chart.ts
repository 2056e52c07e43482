import { formatFence, type SqueezeFence } from "../orchestrate/squeeze-fences.ts";
import { cleanTerminalText } from "./escape.ts";
import type { FenceReport, SqueezeOutcome, SqueezeReport, SqueezeTry } from "./squeeze-report.ts";
import type { palette } from "./terminal.ts";
import { clip } from "./text.ts";

type Colors = ReturnType<typeof palette>;

/** One character per outcome on the chart. */
export const MARK: Record<SqueezeOutcome, string> = {
  pass: "✓",
  "oom-killed": "K",
  "error-exit": "E",
  signal: "S",
  corrupted: "C",
  hung: "H",
  "not-started": "N",
};
const RANK: SqueezeOutcome[] = [
  "corrupted",
  "oom-killed",
  "signal",
  "hung",
  "not-started",
  "error-exit",
  "pass",
];
const AXIS = 48;

function colour(o: SqueezeOutcome, text: string, c: Colors): string {
  return o === "pass" ? c.green(text) : o === "error-exit" ? c.yellow(text) : c.red(text);
}

/**
 * One axis of the chart: each try's mark at its value (the worst one where several share a
 * column), `log` scale or linear, between `lo` and `hi`.
 */
function axis(
  fence: SqueezeFence,
  tries: readonly SqueezeTry[],
  lo: number,
  hi: number,
  log: boolean,
  c: Colors,
): string {
  const pos = (v: number) => {
    const x = log ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo);
    return Math.min(AXIS - 1, Math.max(0, Math.round(x * (AXIS - 1))));
  };
  const cells: (SqueezeOutcome | null)[] = Array(AXIS).fill(null);
  for (const t of tries) {
    if (t.value < lo || t.value > hi) continue;
    const i = pos(t.value);
    const was = cells[i];
    if (!was || RANK.indexOf(t.outcome) < RANK.indexOf(was)) cells[i] = t.outcome;
  }
  const line = cells.map((o) => (o ? colour(o, MARK[o], c) : c.dim("─"))).join("");
  const left = formatFence(fence, lo).padStart(6);
  return `  ${left} ├${line}┤ ${formatFence(fence, hi)}${log && hi / lo > 4 ? c.dim("  (log scale)") : ""}`;
}

/**
 * The line of a command's output that says what went wrong, for people: the first that
 * starts with an error's name and a colon (`EMFILE: ...`, `RangeError: ...`, `error: ...`),
 * else the last that is not empty. Display only: no outcome is ever read from output.
 *
 * @example
 * saidLine("12 | open(p)\nEMFILE: too many open files\n  at x.ts:1\n") // "EMFILE: too many open files"
 */
export function saidLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return (
    lines.find((l) => /^(E[A-Z0-9]{2,}|[A-Za-z]*Error|error|panic)\b[^:]*:/.test(l)) ??
    lines.at(-1) ??
    ""
  );
}

/**
 * The chart of one fence: its answer in a line, every try on the whole range, and, when the
 * cliff is narrow, the tries around it on a scale of their own.
 *
 * @example
 * process.stdout.write(fenceChart("memory", report.fences.memory, palette(false)).join("\n"));
 */
export function fenceChart(fence: SqueezeFence, f: FenceReport, c: Colors): string[] {
  const out = [`${c.bold(fence)}: ${cleanTerminalText(f.summary)}`];
  const { low, high } = f.range;
  out.push(axis(fence, f.tries, low, high, true, c));
  if (f.threshold !== null && f.below) {
    const gap = Math.max(f.threshold - f.below.value, 1);
    const lo = Math.max(low, f.below.value - 8 * gap);
    const hi = Math.min(high, f.threshold + 8 * gap);
    const near = f.tries.filter((t) => t.value >= lo && t.value <= hi);
    if (new Set(near.map((t) => t.value)).size > 2 && (lo > low || hi < high))
      out.push(axis(fence, near, lo, hi, false, c));
  }
  if (f.below && f.below.outcome !== "pass") {
    out.push(
      c.dim(
        `         at ${formatFence(fence, f.below.value)}: ${cleanTerminalText(f.below.evidence)}`,
      ),
    );
    const said = saidLine(f.below.stderr);
    if (said) out.push(c.dim(`         it said: ${cleanTerminalText(clip(said, 200))}`));
  }
  return out;
}

/** One progress line for a try as it ends. */
export function tryLine(fence: SqueezeFence, t: SqueezeTry, c: Colors): string {
  const exit = t.outcome === "pass" || t.outcome === "hung" ? "" : ` exit ${t.exitCode ?? "?"}`;
  return `  ${fence.padEnd(6)} ${formatFence(fence, t.value).padStart(7)}  ${colour(t.outcome, t.outcome.padEnd(10), c)}${exit} ${c.dim(`(${t.durationMs} ms)`)}`;
}

const cell = (s: string, n: number) => s.padEnd(n);

/**
 * Everything `brink squeeze` prints at the end: a chart per fence, a table (fence,
 * threshold, recommended, below, graceful, tries), a legend and what happened in all.
 *
 * @example
 * process.stdout.write(squeezeText(report, palette(process.stdout.isTTY)));
 */
export function squeezeText(report: SqueezeReport, c: Colors): string {
  const out: string[] = [""];
  const entries = Object.entries(report.fences) as [SqueezeFence, FenceReport][];
  for (const [fence, f] of entries) out.push(...fenceChart(fence, f, c), "");
  out.push(
    c.dim(
      `  ${(Object.entries(MARK) as [SqueezeOutcome, string][]).map(([o, m]) => `${m} ${o}`).join("  ")}`,
    ),
    "",
  );
  out.push(
    `  ${cell("fence", 7)}${cell("threshold", 14)}${cell("recommended", 13)}${cell("just below", 26)}${cell("graceful", 10)}tries`,
  );
  for (const [fence, f] of entries) {
    const v = (x: number | null) => (x === null ? "-" : formatFence(fence, x));
    const below = f.below ? `${v(f.below.value)}: ${f.below.outcome}` : "-";
    const threshold =
      f.threshold === null ? (f.limiting ? "none" : "not limiting") : v(f.threshold);
    const word = f.below ? (f.graceful ? "yes" : "no") : "-";
    const graceful = word === "no" ? c.red(cell(word, 10)) : cell(word, 10);
    out.push(
      `  ${cell(fence, 7)}${cell(threshold, 14)}${cell(v(f.recommended), 13)}${cell(below, 26)}${graceful}${f.tries.length}${f.flaky ? c.yellow(" flaky") : ""}`,
    );
  }
  out.push(
    "",
    `${report.runs} container runs in ${(report.durationMs / 1000).toFixed(1)} s (repeat ${report.repeat}, headroom ${Math.round(report.headroom * 100)}%)`,
  );
  if (report.incomplete) out.push(`incomplete: ${cleanTerminalText(report.incomplete)}`);
  out.push("");
  return out.join("\n");
}
