import { CATEGORIES, type ProbeResult } from "@brink/probes/host";
import { escapeControls } from "./escape.ts";
import { resultsOf } from "./normalize-result.ts";
import { recoveryTimes } from "./recovery.ts";
import { type Report, summarize } from "./report.ts";
import { nonNegative } from "./text.ts";
import { messageWithStack } from "./thrown.ts";

const ICON = { pass: "✅", fail: "❌", error: "⚠️", skip: "⏭️", killed: "💀" } as const;

/**
 * Any value as the text of one Markdown table cell (or one inline line): control
 * characters written visibly (`\x1b`); `&`, `<`, `>` and the text's own backslashes as HTML
 * entities (no tag, no entity, no escape of its own); `|` (a new cell), backticks (a code
 * span), `*`, `_`, `~`, `[`, `]` (emphasis, links) backslash-escaped; newlines as `<br>`.
 *
 * @example
 * mdCell("a | `b`\nc") // "a \\| \\`b\\`<br>c"
 */
export function mdCell(v: unknown): string {
  return escapeControls(v)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\\/g, "&#92;")
    .replace(/[|`*_~[\]]/g, "\\$&")
    .replace(/\n+$/, "")
    .replace(/\n/g, "<br>");
}

const notPassing = (r: ProbeResult) => r.status !== "pass" && r.status !== "skip";
const categoryRank = (c: string) => {
  const i = (CATEGORIES as readonly string[]).indexOf(c);
  return i < 0 ? CATEGORIES.length : i;
};

/** Failures (fail, killed, error) first, then by category (brink's order), else as they came. */
export function markdownOrder(results: ProbeResult[]): ProbeResult[] {
  return results
    .map((r, i) => ({ r, i }))
    .sort(
      (a, b) =>
        Number(notPassing(b.r)) - Number(notPassing(a.r)) ||
        categoryRank(a.r.category) - categoryRank(b.r.category) ||
        (a.r.category < b.r.category ? -1 : a.r.category > b.r.category ? 1 : 0) ||
        a.i - b.i,
    )
    .map((x) => x.r);
}

/** An id as code: a code span when it is plain, else an escaped `<code>` element. */
const code = (id: string) =>
  /^[\w.:/@+-]+$/.test(id) ? `\`${id}\`` : `<code>${mdCell(id)}</code>`;

function row(r: ProbeResult): string {
  return `| ${ICON[r.status]} ${r.status} | ${code(r.id)} | ${mdCell(r.category)} | ${r.durationMs} ms | ${mdCell(messageWithStack(r))} |`;
}

/** The recovery times (`observed.recoveryMs`) as a table of their own, by category; none: nothing. */
function recoveryTable(results: ProbeResult[]): string[] {
  const byCategory = [...results].sort(
    (a, b) => categoryRank(a.category) - categoryRank(b.category),
  );
  const times = recoveryTimes(byCategory);
  if (!times.length) return [];
  return [
    "",
    "| category | recovery probe | recovered in |",
    "| --- | --- | ---: |",
    ...times.map(
      (t) =>
        `| ${mdCell(t.category)} | ${code(t.id)} | ${t.recoveryMs === null ? "did not recover" : `${t.recoveryMs} ms`} |`,
    ),
  ];
}

/**
 * Renders a Markdown table of the results (for $GITHUB_STEP_SUMMARY or a PR comment):
 * failures first, then by category; every cell escaped (`mdCell`), so any id or message
 * stays in its cell. Then each category's recovery time (`observed.recoveryMs`), if any.
 *
 * @example
 * await Bun.write("brink.md", toMarkdown(report));
 */
export function toMarkdown(report: Report): string {
  const results = resultsOf(report);
  const s = summarize(results);
  const notes = Array.isArray(report.notes) ? report.notes : [];
  const engine = report.engine ?? { version: "unknown", cgroup: null };
  const lines = [
    "## brink destructive tests",
    "",
    `**${s.pass} passed, ${s.fail} failed, ${s.error} errors, ${s.killed} killed, ${s.skip} skipped** of ${s.total} in ${(nonNegative(report.durationMs) / 1000).toFixed(1)} s (engine ${mdCell(engine.version)}, cgroup v${mdCell(engine.cgroup ?? "?")})`,
    ...(report.incomplete ? ["", `> Incomplete: ${mdCell(report.incomplete)}`] : []),
    "",
    "| status | probe | category | time | message |",
    "| --- | --- | --- | ---: | --- |",
    ...markdownOrder(results).map(row),
    ...recoveryTable(results),
    ...(notes.length ? ["", ...notes.map((n) => `- ${mdCell(n)}`)] : []),
    "",
  ];
  return lines.join("\n");
}
