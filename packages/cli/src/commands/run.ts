import { parseArgs } from "node:util";
import { CATEGORIES } from "@brink/probes/host";
import { didYouMean } from "../args/did-you-mean.ts";
import { LIMIT_OPTIONS, LIMIT_PARSERS, limitsFromFlags } from "../args/limits.ts";
import {
  type Plan,
  parseCategories,
  parseConcurrency,
  parseProbeIds,
  resolveProject,
  resolveSuites,
} from "../args/plan.ts";
import { parseDuration } from "../args/units.ts";
import type { Limits } from "../engine/container-spec.ts";
import { assertProjectSeesSamePackages } from "../engine/image-inputs.ts";
import type { ProjectAccess } from "../engine/project-access.ts";
import type { EngineSession } from "../engine/session.ts";
import { BrinkError } from "../errors.ts";
import { executePlan, type ProbeSource } from "../orchestrate/execute-plan.ts";
import { type ProbeInfo, probeInfos } from "../orchestrate/probe-info.ts";
import { parseOrUsage } from "./parse.ts";

/** The flags of `brink run`. */
export const RUN_OPTIONS = {
  // Repeatable: `--probe a --probe b` is `--probe a,b` (not the last one only).
  category: { type: "string", multiple: true },
  probe: { type: "string", multiple: true },
  ...LIMIT_OPTIONS,
  suite: { type: "string", multiple: true },
  project: { type: "string" },
  "writable-project": { type: "boolean" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
  "allow-skip": { type: "boolean" },
  json: { type: "string" },
  junit: { type: "string" },
  markdown: { type: "string" },
} as const;

/** Turns `brink run` flags into a Plan; every bad value is a usage error, nothing started. */
export function planFromArgs(argv: string[]): Plan {
  const { values: v } = parseOrUsage(
    () => parseArgs({ args: argv, options: RUN_OPTIONS, strict: true, allowPositionals: false }),
    argv,
  );
  const limits = limitsFromFlags(v);
  const project = resolveProject(v.project);
  return {
    categories: parseCategories(v.category?.join(",")),
    probeIds: parseProbeIds(v.probe?.join(",")),
    limits,
    limitsGiven: (Object.keys(LIMIT_PARSERS) as (keyof Limits)[]).filter((k) => v[k] !== undefined),
    suites: resolveSuites(v.suite, project),
    project,
    concurrency: parseConcurrency(v.concurrency),
    timeoutMs: v.timeout !== undefined ? parseDuration("--timeout", v.timeout) : null,
    writableProject: v["writable-project"] ?? false,
    allowSkip: v["allow-skip"] ?? false,
    outputs: { json: v.json, junit: v.junit, markdown: v.markdown },
  };
}

/**
 * Where a plan's probes come from, loaded inside the run scope (a suite is listed in a
 * fenced container, so a stop while it loads still removes that container and writes the
 * reports); none in the chosen categories is a usage error.
 *
 * @example
 * await executePlan(plan, probeSourceOf(plan), { color: true });
 */
export function probeSourceOf(plan: Plan): ProbeSource {
  return async (session: EngineSession, signal: AbortSignal, access: ProjectAccess) => {
    const found = await probeInfos(plan.suites, plan.timeoutMs, plan.categories, {
      project: plan.project,
      session: async () => session,
      access,
      signal,
    });
    if (plan.probeIds) return onlyThese(found, plan);
    if (!found.length)
      throw new BrinkError(
        "USAGE",
        `no probe in ${plan.categories.length === 1 ? "category" : "categories"} ${plan.categories.join(",")}${plan.suites.length ? " in the suite" : ""}; \`brink list${plan.suites.map((s) => ` --suite ${s}`).join("")}\` shows what there is`,
      );
    return found;
  };
}

/** The probes `--probe` names, in the suite's order; an id not there is a usage error naming it. */
function onlyThese(found: ProbeInfo[], plan: Plan): ProbeInfo[] {
  const ids = plan.probeIds ?? [];
  const known = new Set(found.map((p) => p.id));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length) {
    const near = didYouMean(missing[0] as string, [...known]);
    const where =
      plan.categories.length < CATEGORIES.length ? ` in ${plan.categories.join(",")}` : "";
    throw new BrinkError(
      "USAGE",
      `--probe: no probe ${missing.map((m) => JSON.stringify(m)).join(", ")}${where}${plan.suites.length ? " in the suite" : ""}${near ? `; did you mean ${near}?` : ""} (\`brink list${plan.suites.map((s) => ` --suite ${s}`).join("")}\` shows the ids)`,
    );
  }
  return found.filter((p) => ids.includes(p.id));
}

/**
 * `brink run`: plan, then probes in fenced containers, then reports.
 *
 * @example
 * process.exitCode = await runCommand(["--category", "fd"], { color: true });
 */
export async function runCommand(argv: string[], ui: { color: boolean }): Promise<number> {
  const plan = planFromArgs(argv);
  if (plan.suites.length) assertProjectSeesSamePackages(plan.project);
  return executePlan(plan, probeSourceOf(plan), { ...ui, bar: ui.color && !process.env.CI });
}
