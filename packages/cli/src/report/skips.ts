import type { ProbeResult } from "@brink/probes/host";
import { clip, toText } from "./text.ts";

/** A skip the runner decided because the probe's fence was not in force in its container. */
export const isFenceSkip = (r: ProbeResult) =>
  r.status === "skip" && (r.observed as { refused?: unknown })?.refused === "UNFENCED";

/**
 * Why a run's skips make it exit 3, or null when they do not: every probe was skipped, or
 * any was skipped because its fence did not hold. Names how many, the first reasons, and
 * what to do.
 *
 * @example
 * skipProblem(report.results) // "2 of 5 probes were skipped because their fences did not hold (fd.x: ...); ..."
 */
export function skipProblem(results: readonly ProbeResult[]): string | null {
  const skipped = results.filter((r) => r.status === "skip");
  if (!skipped.length) return null;
  const all = skipped.length === results.length;
  const unfenced = skipped.filter(isFenceSkip);
  if (!all && !unfenced.length) return null;
  const shown = (unfenced.length ? unfenced : skipped).slice(0, 2);
  const reasons = shown
    .map((r) => `${r.id}: ${clip(toText(r.message).split("\n")[0] || "no reason given", 160)}`)
    .join("; ");
  const more = (unfenced.length || skipped.length) > shown.length ? "; ..." : "";
  const count = all
    ? `every probe (${skipped.length}) was skipped`
    : `${unfenced.length} of ${results.length} probes ${unfenced.length === 1 ? "was" : "were"} skipped`;
  const because = !unfenced.length
    ? ""
    : unfenced.length === 1
      ? " because its fence did not hold"
      : " because their fences did not hold";
  return `${count}${because} (${reasons}${more}); \`brink doctor\` shows which fences this engine enforces; --allow-skip accepts skips`;
}
