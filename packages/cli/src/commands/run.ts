import { parseArgs } from "node:util";
import { LIMIT_OPTIONS, limitsFromFlags } from "../args/limits.ts";
import {
  type Plan,
  parseCategories,
  parseConcurrency,
  resolveProject,
  resolveSuites,
} from "../args/plan.ts";
import { formatSize, parseDuration } from "../args/units.ts";
import { assertProjectSeesSamePackages } from "../engine/image-inputs.ts";
import type { EngineSession } from "../engine/session.ts";
import { BrinkError } from "../errors.ts";
import { executePlan } from "../orchestrate/execute-plan.ts";
import { probeInfos } from "../orchestrate/probe-info.ts";
import { parseOrUsage } from "./parse.ts";

/** The flags of `brink run`. */
export const RUN_OPTIONS = {
  category: { type: "string" },
  ...LIMIT_OPTIONS,
  suite: { type: "string", multiple: true },
  project: { type: "string" },
  "writable-project": { type: "boolean" },
  concurrency: { type: "string" },
  timeout: { type: "string" },
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
    categories: parseCategories(v.category),
    limits,
    suites: resolveSuites(v.suite, project),
    project,
    concurrency: parseConcurrency(v.concurrency),
    timeoutMs: v.timeout !== undefined ? parseDuration("--timeout", v.timeout) : null,
    writableProject: v["writable-project"] ?? false,
    outputs: { json: v.json, junit: v.junit, markdown: v.markdown },
  };
}

/** The `brink run ...` command line equivalent to a plan (the wizard shows it for CI). */
export function commandLineOf(plan: Plan, cwd = process.cwd()): string {
  const parts = ["brink", "run", "--category", plan.categories.join(",")];
  parts.push(
    "--memory",
    formatSize(plan.limits.memory),
    "--disk",
    formatSize(plan.limits.disk),
    "--stack",
    formatSize(plan.limits.stack),
  );
  parts.push(
    "--nofile",
    String(plan.limits.nofile),
    "--pids",
    String(plan.limits.pids),
    "--cpus",
    String(plan.limits.cpus),
  );
  for (const s of plan.suites)
    parts.push("--suite", s.startsWith(`${cwd}/`) ? s.slice(cwd.length + 1) : s);
  if (plan.project !== cwd) parts.push("--project", plan.project);
  if (plan.writableProject) parts.push("--writable-project");
  if (plan.timeoutMs) parts.push("--timeout", `${plan.timeoutMs}ms`);
  for (const [k, f] of Object.entries(plan.outputs)) if (f) parts.push(`--${k}`, f);
  return parts.join(" ");
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
  // The probes load inside the run scope (a suite is listed in a fenced container): a stop
  // while they load still removes that container and writes the reports.
  const probes = async (session: EngineSession, signal: AbortSignal) => {
    const found = await probeInfos(plan.suites, plan.timeoutMs, plan.categories, {
      project: plan.project,
      session: async () => session,
      signal,
    });
    if (!found.length)
      throw new BrinkError(
        "USAGE",
        `no probe in categories ${plan.categories.join(",")}; \`brink list\` shows what there is`,
      );
    return found;
  };
  return executePlan(plan, probes, { ...ui, bar: ui.color && !process.env.CI });
}
