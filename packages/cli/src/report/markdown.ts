import type { Report } from "./report.ts";

const ICON = { pass: "✅", fail: "❌", error: "⚠️", skip: "⏭️", killed: "💀" } as const;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * Renders a Markdown table of the results (for $GITHUB_STEP_SUMMARY or a PR comment).
 *
 * @example
 * await Bun.write("brink.md", toMarkdown(report));
 */
export function toMarkdown(report: Report): string {
  const s = report.summary;
  const lines = [
    "## brink destructive tests",
    "",
    `**${s.pass} passed, ${s.fail} failed, ${s.error} errors, ${s.killed} killed, ${s.skip} skipped** of ${s.total} in ${(report.durationMs / 1000).toFixed(1)} s (engine ${report.engine.version}, cgroup v${report.engine.cgroup ?? "?"})`,
    ...(report.incomplete ? ["", `> Incomplete: ${report.incomplete}`] : []),
    "",
    "| status | probe | category | time | message |",
    "| --- | --- | --- | ---: | --- |",
    ...report.results.map(
      (r) =>
        `| ${ICON[r.status]} ${r.status} | \`${r.id}\` | ${r.category} | ${r.durationMs} ms | ${cell(r.message)} |`,
    ),
    ...(report.notes.length ? ["", ...report.notes.map((n) => `- ${n}`)] : []),
    "",
  ];
  return lines.join("\n");
}
