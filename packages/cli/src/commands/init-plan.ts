import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Category } from "@brink/probes/host";
import { BrinkError } from "../errors.ts";
import {
  SCRIPT_COMMAND,
  SCRIPT_NAME,
  SUITE_PATH,
  suiteFile,
  WORKFLOW_PATH,
  workflowFile,
} from "./init-files.ts";

/**
 * One file `brink init` would write: `new`; `update` (adds to a file, replaces nothing: the
 * script in an existing package.json); `same` as what is there; or `differs` from what is
 * there (overwriting it needs a yes or --force).
 */
export interface InitWrite {
  /** Relative to the project. */
  path: string;
  text: string;
  state: "new" | "update" | "same" | "differs";
  /** What it is, for the summary. */
  what: string;
}

/** What `brink init` would do in a project. */
export interface InitPlan {
  project: string;
  writes: InitWrite[];
  /** @brink/cli is already a dependency of the project. */
  hasBrink: boolean;
}

type Manifest = Record<string, unknown> & {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

function readManifest(path: string): Manifest | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch (e) {
    throw new BrinkError(
      "USAGE",
      `${path} is not valid JSON (${(e as Error).message}); fix it, then run brink init again`,
      { cause: e },
    );
  }
}

function write(project: string, path: string, text: string, what: string): InitWrite {
  const abs = join(project, path);
  const state = !existsSync(abs) ? "new" : readFileSync(abs, "utf8") === text ? "same" : "differs";
  return { path, text, state, what };
}

/**
 * Works out what `brink init` writes into `project`: the starter suite, the package.json
 * script (added to what is there, or a new package.json), and the workflow. Reads only.
 *
 * @example
 * planInit("/home/me/app", ["fd", "disk"]).writes.map((w) => `${w.path}: ${w.state}`);
 */
export function planInit(project: string, categories: readonly Category[]): InitPlan {
  const manifestPath = join(project, "package.json");
  const manifest: Manifest = readManifest(manifestPath) ?? {
    name: basename(project),
    private: true,
    type: "module",
  };
  const hasBrink = !!(
    manifest.devDependencies?.["@brink/cli"] ?? manifest.dependencies?.["@brink/cli"]
  );
  const scripts = { ...manifest.scripts };
  const current = scripts[SCRIPT_NAME];
  scripts[SCRIPT_NAME] = SCRIPT_COMMAND;
  const updated = { ...manifest, scripts };
  const pkg = write(
    project,
    "package.json",
    `${JSON.stringify(updated, null, 2)}\n`,
    `the "${SCRIPT_NAME}" script`,
  );
  // The script is what matters: an unchanged script is "same" whatever the formatting.
  if (current === SCRIPT_COMMAND) pkg.state = "same";
  else if (current === undefined && pkg.state === "differs") pkg.state = "update";
  return {
    project,
    hasBrink,
    writes: [
      write(project, SUITE_PATH, suiteFile(categories), "the starter suite"),
      pkg,
      write(project, WORKFLOW_PATH, workflowFile(categories), "the GitHub workflow"),
    ],
  };
}

/**
 * Writes the files of a plan that are not already the same, except those in `keep`.
 *
 * @example
 * applyInit(planInit(dir, ["fd"]), new Set()); // ["brink/suite.ts", "package.json", ...]
 */
export function applyInit(plan: InitPlan, keep: ReadonlySet<string>): string[] {
  const written: string[] = [];
  for (const w of plan.writes) {
    if (w.state === "same" || keep.has(w.path)) continue;
    const abs = join(plan.project, w.path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, w.text);
    written.push(w.path);
  }
  return written;
}
