import {
  accessSync,
  appendFileSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { BrinkError } from "../errors.ts";
import { toJUnit } from "./junit.ts";
import { toMarkdown } from "./markdown.ts";
import type { Report } from "./report.ts";
import { safeJson } from "./text.ts";

/** The reports a run can write, by flag. */
export type Outputs = { json?: string; junit?: string; markdown?: string };

/** Each report's name as brink's lines say it. */
const KIND: Record<keyof Outputs, string> = { json: "JSON", junit: "JUnit", markdown: "Markdown" };

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

/** Whether `path` is a symbolic link (false when it cannot be looked at). */
function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Why `path` cannot be written (as a file, its missing folders created), or null when it can. */
export function unwritable(path: string): string | null {
  const abs = resolve(path);
  try {
    if (existsSync(abs)) {
      const st = statSync(abs);
      if (st.isDirectory()) return "it is a directory";
      // A FIFO would hold the run at its end until someone reads it.
      if (st.isFIFO()) return "it is a FIFO";
      accessSync(abs, constants.W_OK);
      return null;
    }
    // A link whose target is missing: written through, the target is made where it points.
    if (isLink(abs)) return null;
    // The nearest folder that exists must be a folder we may create entries in.
    let dir = dirname(abs);
    while (!existsSync(dir)) dir = dirname(dir);
    if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
    accessSync(dir, constants.W_OK | constants.X_OK);
    if (dir === dirname(abs)) {
      // Its own folder is there: make the file and take it away again, so a folder that
      // only looks writable (/proc, a read-only mount, as root) is found now, not after the run.
      closeSync(openSync(abs, "wx"));
      rmSync(abs, { force: true });
    }
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "EACCES" || code === "EPERM" || code === "EROFS"
      ? "permission denied"
      : (e as Error).message;
  }
}

/**
 * Checks, before anything runs, that every report path can be written, and that no two
 * reports share one: a usage error (exit 2) naming the flag and the path.
 *
 * @example
 * checkOutputs({ json: "reports/brink.json" });
 */
export function checkOutputs(outputs: Outputs, flag = (k: string) => `--${k}`): void {
  const seen = new Map<string, string>();
  for (const [k, path] of Object.entries(outputs) as [keyof Outputs, string | undefined][]) {
    if (!path) continue;
    const other = seen.get(resolve(path));
    if (other)
      throw new BrinkError(
        "USAGE",
        `${flag(k)} ${path} is also ${flag(other)}'s file; give each report its own`,
      );
    seen.set(resolve(path), k);
    const why = unwritable(path);
    if (why)
      throw new BrinkError(
        "USAGE",
        `${flag(k)} ${path} cannot be written (${why}); choose a path you can write`,
      );
  }
}

/**
 * Whether to append the Markdown to $GITHUB_STEP_SUMMARY: when it is set and is not the
 * `--markdown` file itself (which would then hold the table twice).
 *
 * @example
 * stepSummaryWanted({ GITHUB_STEP_SUMMARY: "/tmp/s.md" }, "report.md") // true
 */
export function stepSummaryWanted(
  env: Record<string, string | undefined>,
  markdown: string | undefined,
): boolean {
  const summary = env.GITHUB_STEP_SUMMARY;
  return !!summary && (!markdown || resolve(summary) !== resolve(markdown));
}

/**
 * Writes the requested reports, and appends the Markdown to $GITHUB_STEP_SUMMARY when set.
 * Returns one line per report written, e.g. "JSON: reports/brink.json".
 *
 * @example
 * writeReports(report, { json: "reports/brink.json", junit: "reports/brink.xml" });
 * // ["JSON: reports/brink.json", "JUnit: reports/brink.xml"]
 */
export function writeReports(report: Report, outputs: Outputs, env = process.env): string[] {
  const written: string[] = [];
  const put = (k: keyof Outputs, text: () => string) => {
    const path = outputs[k];
    if (!path) return;
    writeOut(path, text());
    written.push(`${KIND[k]}: ${path}`);
  };
  put("json", () => `${safeJson(report, 2)}\n`);
  put("junit", () => toJUnit(report));
  put("markdown", () => toMarkdown(report));
  if (stepSummaryWanted(env, outputs.markdown)) {
    try {
      appendFileSync(env.GITHUB_STEP_SUMMARY as string, toMarkdown(report));
    } catch {
      // the step summary is a courtesy; never fail a run over it
    }
  }
  return written;
}
