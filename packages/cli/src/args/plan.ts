import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { relative, resolve } from "node:path";
import { CATEGORIES, type Category } from "@brink/probes/host";
import type { Limits } from "../engine/container-spec.ts";
import { BrinkError } from "../errors.ts";
import { didYouMean } from "./did-you-mean.ts";
import { parseCount } from "./units.ts";

/** Everything a run needs; the wizard and the flags both produce one. Nothing after it prompts. */
export interface Plan {
  categories: Category[];
  /** Only these probe ids (within `categories`); absent: every probe there. */
  probeIds?: string[];
  limits: Limits;
  /**
   * The limits the user set (flags); a category's own default (`CATEGORY_DEFAULTS`: the cpu
   * category's 0.25 cpus) gives way only to these. Absent: every limit counts as set.
   */
  limitsGiven?: (keyof Limits)[];
  /** Suite files, absolute, inside `project`. Empty: the built-in suite. */
  suites: string[];
  project: string;
  concurrency: number;
  /** Per-probe timeout override, ms. */
  timeoutMs: number | null;
  /** Containers get a private writable copy of the project instead of a read-only mount. */
  writableProject?: boolean;
  /** Skipped probes (their fence did not hold) do not make the run exit 3. */
  allowSkip?: boolean;
  outputs: { json?: string; junit?: string; markdown?: string };
}

const suggest = (c: string) => {
  const near = didYouMean(c, CATEGORIES);
  return near ? `; did you mean ${near}?` : "";
};

/** Parses --category a,b into known categories (all when empty). */
export function parseCategories(value: string | undefined): Category[] {
  if (value === undefined) return [...CATEGORIES];
  const list = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.length)
    throw new BrinkError(
      "USAGE",
      `--category "${value}" names no category; use ${CATEGORIES.join(",")}`,
    );
  for (const c of list) {
    if (!CATEGORIES.includes(c as Category)) {
      throw new BrinkError(
        "USAGE",
        `--category: unknown category "${c}"${suggest(c)} (one or more of ${CATEGORIES.join(",")})`,
      );
    }
  }
  return [...new Set(list)] as Category[];
}

/** Parses --probe a,b into ids (undefined when not given); an empty list is a usage error. */
export function parseProbeIds(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = [
    ...new Set(
      value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (!ids.length)
    throw new BrinkError(
      "USAGE",
      `--probe "${value}" names no probe; \`brink list\` shows the ids`,
    );
  return ids;
}

/** Resolves --project (default: the current directory); it must be a directory. */
export function resolveProject(value: string | undefined): string {
  const dir = resolve(value ?? ".");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new BrinkError(
      "USAGE",
      `--project ${value} is not a directory; pass the folder of the project under test`,
    );
  }
  return dir;
}

/**
 * Resolves --suite files: a relative path against the project first (then the current
 * directory); each must exist inside the project (it is mounted at /work).
 */
export function resolveSuites(values: string[] | undefined, project: string): string[] {
  return (values ?? []).map((v) => {
    const abs = [resolve(project, v), resolve(v)].find((p) => existsSync(p)) ?? resolve(project, v);
    if (!v.trim() || !existsSync(abs))
      throw new BrinkError(
        "USAGE",
        `--suite ${v.trim() ? v : '""'} does not exist; pass a .ts file that exports probes`,
      );
    if (statSync(abs).isDirectory())
      throw new BrinkError(
        "USAGE",
        `--suite ${v} is a directory; pass a .ts file that exports probes`,
      );
    if (relative(project, abs).startsWith("..")) {
      throw new BrinkError(
        "USAGE",
        `--suite ${v} is outside --project ${project}; the project is what the container sees`,
      );
    }
    return abs;
  });
}

/** --concurrency: containers at once, 1 to 64; by default the number of cores. */
export function parseConcurrency(value: string | undefined): number {
  return value !== undefined ? parseCount("--concurrency", value, 64) : availableParallelism();
}
