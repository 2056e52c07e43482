import { relative } from "node:path";
import type { Limits } from "../engine/container-spec.ts";
import { limitsNeeded } from "./category-limit.ts";
import { CATEGORY_DEFAULTS, DEFAULT_LIMITS } from "./limits.ts";
import type { Plan } from "./plan.ts";
import { shellLine } from "./shell-quote.ts";
import { formatSize } from "./units.ts";

const LIMIT_ORDER: (keyof Limits)[] = ["memory", "disk", "stack", "nofile", "pids", "cpus"];
const SIZES: readonly (keyof Limits)[] = ["memory", "disk", "stack"];

/** A path as the command line gives it: relative to `cwd` when inside it. */
function pathFrom(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !rel.startsWith("/") ? rel : path;
}

/**
 * The arguments of the `brink run` equivalent to a plan: its categories, the limits its
 * categories push against (and any other that is not the default; one a category has its own
 * default for only when the user set it), suites and project
 * relative to `cwd`, timeout, skips allowed, reports.
 *
 * @example
 * runArgsOf(plan, "/home/me/app") // ["run", "--category", "fd", "--nofile", "64"]
 */
export function runArgsOf(plan: Plan, cwd: string): string[] {
  const args = ["run", "--category", plan.categories.join(",")];
  const needed = limitsNeeded(plan.categories);
  // A limit a chosen category has a default of its own for (the cpu category's 0.25 cpus)
  // is written only when the user set it: as a flag it would replace that default.
  const ownDefault = (name: keyof Limits) =>
    plan.categories.some((c) => CATEGORY_DEFAULTS[c]?.[name] !== undefined);
  const given = (name: keyof Limits) => plan.limitsGiven?.includes(name) ?? true;
  for (const name of LIMIT_ORDER) {
    const value = plan.limits[name];
    if (ownDefault(name) ? !given(name) : !needed.includes(name) && value === DEFAULT_LIMITS[name])
      continue;
    args.push(`--${name}`, SIZES.includes(name) ? formatSize(value) : String(value));
  }
  for (const s of plan.suites) args.push("--suite", pathFrom(cwd, s));
  if (plan.project !== cwd) args.push("--project", pathFrom(cwd, plan.project));
  if (plan.writableProject) args.push("--writable-project");
  if (plan.timeoutMs) args.push("--timeout", `${plan.timeoutMs}ms`);
  if (plan.allowSkip) args.push("--allow-skip");
  for (const [k, f] of Object.entries(plan.outputs)) if (f) args.push(`--${k}`, f);
  return args;
}

/**
 * The command line that runs a plan again, ready to paste into a shell or a CI step: how
 * brink is started where the user is (`invocationIn`), then `runArgsOf`, every argument
 * shell-quoted.
 *
 * @example
 * commandLineOf(plan, { cwd, invocation: ["bunx", "brink"] }) // "bunx brink run --category fd --suite 'my suite.ts'"
 */
export function commandLineOf(plan: Plan, at: { cwd: string; invocation: string[] }): string {
  return shellLine([...at.invocation, ...runArgsOf(plan, at.cwd)]);
}
