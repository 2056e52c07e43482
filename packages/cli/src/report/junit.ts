import type { ProbeResult } from "@brink/probes";
import type { Report } from "./report.ts";

/** Escapes text for XML attributes and content; drops characters XML 1.0 forbids. */
export function xmlEscape(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
  );
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

function testcase(r: ProbeResult): string {
  const head = `    <testcase classname="brink.${r.category}" name="${xmlEscape(r.id)}" time="${secs(r.durationMs)}">`;
  const body = xmlEscape(JSON.stringify(r.observed, null, 2));
  const msg = xmlEscape(r.message);
  switch (r.status) {
    case "pass":
      return `${head}</testcase>`;
    case "skip":
      return `${head}\n      <skipped message="${msg}"/>\n    </testcase>`;
    case "fail":
      return `${head}\n      <failure message="${msg}" type="fail">${body}</failure>\n    </testcase>`;
    default:
      return `${head}\n      <error message="${msg}" type="${r.status}">${body}</error>\n    </testcase>`;
  }
}

/**
 * Renders JUnit XML: one testsuite per category, one testcase per probe.
 *
 * @example
 * await Bun.write("brink.xml", toJUnit(report));
 */
export function toJUnit(report: Report): string {
  const cats = [...new Set(report.results.map((r) => r.category))];
  const suites = cats.map((c) => {
    const rs = report.results.filter((r) => r.category === c);
    const count = (f: (r: ProbeResult) => boolean) => rs.filter(f).length;
    const time = rs.reduce((s, r) => s + r.durationMs, 0);
    return [
      `  <testsuite name="${c}" tests="${rs.length}" failures="${count((r) => r.status === "fail")}" errors="${count((r) => r.status === "error" || r.status === "killed")}" skipped="${count((r) => r.status === "skip")}" time="${secs(time)}" timestamp="${report.startedAt}">`,
      ...rs.map(testcase),
      "  </testsuite>",
    ].join("\n");
  });
  const s = report.summary;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="brink" tests="${s.total}" failures="${s.fail}" errors="${s.error + s.killed}" skipped="${s.skip}" time="${secs(report.durationMs)}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
