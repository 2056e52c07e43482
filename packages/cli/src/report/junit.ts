import type { ProbeResult } from "@brink/probes/host";
import { resultsOf } from "./normalize-result.ts";
import { recoveryTimes } from "./recovery.ts";
import type { Report } from "./report.ts";
import { summarize } from "./report.ts";
import { nonNegative, safeJson } from "./text.ts";
import { messageWithStack } from "./thrown.ts";
import { xmlAttr, xmlText } from "./xml-text.ts";

/**
 * Escapes any value for XML content and attributes alike (see `xmlAttr`).
 *
 * @example
 * xmlEscape('<a href="x">') // "&lt;a href=&quot;x&quot;&gt;"
 */
export const xmlEscape = xmlAttr;

const secs = (ms: unknown) => (nonNegative(ms) / 1000).toFixed(3);

/** A recovery probe's time as a testcase property (`recoveryMs`; "none" when it never recovered). */
function recoveryProperty(r: ProbeResult): string {
  const [t] = recoveryTimes([r]);
  if (!t) return "";
  return `\n      <properties><property name="recoveryMs" value="${t.recoveryMs ?? "none"}"/></properties>`;
}

function testcase(r: ProbeResult): string {
  const head = `    <testcase classname="brink.${xmlAttr(r.category)}" name="${xmlAttr(r.id)}" time="${secs(r.durationMs)}">${recoveryProperty(r)}`;
  const msg = xmlAttr(r.message);
  const body = xmlText(`${messageWithStack(r)}\n\nobserved ${safeJson(r.observed, 2)}`);
  switch (r.status) {
    case "pass":
      return head.includes("\n") ? `${head}\n    </testcase>` : `${head}</testcase>`;
    case "skip":
      return `${head}\n      <skipped message="${msg}"/>\n    </testcase>`;
    case "fail":
      return `${head}\n      <failure message="${msg}" type="fail">${body}</failure>\n    </testcase>`;
    default:
      return `${head}\n      <error message="${msg}" type="${xmlAttr(r.status)}">${body}</error>\n    </testcase>`;
  }
}

/** The count attributes of a testsuite(s) element. */
function counts(rs: ProbeResult[]): string {
  const s = summarize(rs);
  return `tests="${s.total}" failures="${s.fail}" errors="${s.error + s.killed}" skipped="${s.skip}"`;
}

/**
 * Renders JUnit XML: one testsuite per category, one testcase per probe. Whatever a result
 * holds (any text, a status or category brink does not know), the output is well-formed
 * XML 1.0; control characters are written visibly (`\x1b`), astral characters kept.
 *
 * @example
 * await Bun.write("brink.xml", toJUnit(report));
 */
export function toJUnit(report: Report): string {
  const results = resultsOf(report);
  const cats = [...new Set(results.map((r) => r.category))];
  const suites = cats.map((c) => {
    const rs = results.filter((r) => r.category === c);
    const time = rs.reduce((s, r) => s + r.durationMs, 0);
    return [
      `  <testsuite name="${xmlAttr(c)}" ${counts(rs)} time="${secs(time)}" timestamp="${xmlAttr(report.startedAt)}">`,
      ...rs.map(testcase),
      "  </testsuite>",
    ].join("\n");
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="brink" ${counts(results)} time="${secs(report.durationMs)}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
