import { formatFence, type SqueezeFence } from "../orchestrate/squeeze-fences.ts";
import { type FenceReport, fenceOk, type SqueezeReport } from "./squeeze-report.ts";
import { nonNegative, safeJson } from "./text.ts";
import { xmlAttr, xmlText } from "./xml-text.ts";

/** Why a fence fails its testcase, or null when it passes. */
function failureOf(fence: SqueezeFence, f: FenceReport): string | null {
  if (fenceOk(f)) return null;
  if (f.threshold === null && f.limiting && f.below?.value === f.range.high)
    return `fails even at ${formatFence(fence, f.range.high)}`;
  if (f.below && !f.graceful) return `${f.below.outcome} below the cliff`;
  return "no answer";
}

/**
 * JUnit XML for a squeeze: one testcase per fence. A fence fails when its command fails
 * below the cliff in a way that is not graceful (oom-killed, signal, corrupted, hung), or
 * fails even at the top of the range; the failure holds the summary, the value just below
 * and the end of what the command said there (escaped).
 *
 * @example
 * writeOut("reports/squeeze.xml", squeezeJUnit(report));
 */
export function squeezeJUnit(report: SqueezeReport): string {
  const entries = Object.entries(report.fences) as [SqueezeFence, FenceReport][];
  const cases = entries.map(([fence, f]) => {
    const time = (f.tries.reduce((s, t) => s + nonNegative(t.durationMs), 0) / 1000).toFixed(3);
    const head = `    <testcase classname="brink.squeeze" name="${xmlAttr(fence)}" time="${time}">`;
    const out = `      <system-out>${xmlText(f.summary)}</system-out>`;
    const why = failureOf(fence, f);
    if (!why) return `${head}\n${out}\n    </testcase>`;
    const body = xmlText(
      safeJson({ summary: f.summary, below: f.below, threshold: f.threshold }, 2),
    );
    return `${head}\n      <failure message="${xmlAttr(why)}" type="${xmlAttr(f.below?.outcome ?? "none")}">${body}</failure>\n${out}\n    </testcase>`;
  });
  const failures = entries.filter(([fence, f]) => failureOf(fence, f)).length;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="brink squeeze" tests="${entries.length}" failures="${failures}">`,
    `  <testsuite name="${xmlAttr(report.command.join(" "))}" tests="${entries.length}" failures="${failures}" errors="0" skipped="0" time="${(nonNegative(report.durationMs) / 1000).toFixed(3)}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
