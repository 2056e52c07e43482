import { formatFence, type SqueezeFence } from "../orchestrate/squeeze-fences.ts";
import { mdCell } from "./markdown.ts";
import { type FenceReport, fenceOk, type SqueezeReport } from "./squeeze-report.ts";

/**
 * A squeeze as Markdown (for a PR comment or $GITHUB_STEP_SUMMARY): the command, a table of
 * fences (threshold, recommended, how it fails just below, graceful, tries) and each fence's
 * summary. Everything from the container is escaped with `mdCell`.
 *
 * @example
 * writeOut("reports/squeeze.md", squeezeMarkdown(report));
 */
export function squeezeMarkdown(report: SqueezeReport): string {
  const entries = Object.entries(report.fences) as [SqueezeFence, FenceReport][];
  const out = [
    `## brink squeeze: ${mdCell(report.command.join(" "))}`,
    "",
    "| fence | threshold | recommended | just below | graceful | tries |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const [fence, f] of entries) {
    const v = (x: number | null) => (x === null ? "-" : formatFence(fence, x));
    const threshold =
      f.threshold === null ? (f.limiting ? "none" : "not limiting") : v(f.threshold);
    const below = f.below
      ? `${v(f.below.value)}: ${f.below.outcome} (${mdCell(f.below.evidence)})`
      : "-";
    const mark = fenceOk(f) ? "✅" : "❌";
    out.push(
      `| ${fence} | ${threshold} | ${v(f.recommended)} | ${below} | ${mark} ${f.below ? (f.graceful ? "yes" : "no") : "-"} | ${f.tries.length}${f.flaky ? " (flaky)" : ""} |`,
    );
  }
  out.push("");
  for (const [fence, f] of entries) out.push(`- **${fence}**: ${mdCell(f.summary)}`);
  out.push(
    "",
    `${report.runs} container runs in ${(report.durationMs / 1000).toFixed(1)} s; repeat ${report.repeat}, headroom ${Math.round(report.headroom * 100)}%.`,
  );
  if (report.incomplete) out.push("", `**Incomplete**: ${mdCell(report.incomplete)}`);
  out.push("");
  return out.join("\n");
}
