import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { BrinkError } from "../errors.ts";
import { toJUnit } from "./junit.ts";
import { toMarkdown } from "./markdown.ts";
import type { Report } from "./report.ts";
import { safeJson } from "./text.ts";

/** Writes a file, creating its folder; a failure names the path. */
export function writeOut(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    throw new BrinkError("REPORT_WRITE_FAILED", `cannot write ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/**
 * Writes the requested reports, and appends the Markdown to $GITHUB_STEP_SUMMARY when set.
 *
 * @example
 * writeReports(report, { json: "reports/brink.json", junit: "reports/brink.xml" });
 */
export function writeReports(
  report: Report,
  outputs: { json?: string; junit?: string; markdown?: string },
  env = process.env,
): void {
  if (outputs.json) writeOut(outputs.json, `${safeJson(report, 2)}\n`);
  if (outputs.junit) writeOut(outputs.junit, toJUnit(report));
  if (outputs.markdown) writeOut(outputs.markdown, toMarkdown(report));
  if (env.GITHUB_STEP_SUMMARY) {
    try {
      appendFileSync(env.GITHUB_STEP_SUMMARY, toMarkdown(report));
    } catch {
      // the step summary is a courtesy; never fail a run over it
    }
  }
}
