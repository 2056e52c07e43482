import { CATEGORIES, type Category } from "@brink/probes";
import * as p from "@clack/prompts";
import { DEFAULT_LIMITS, LIMIT_PARSERS, limitsFromFlags } from "../args/limits.ts";
import { type Plan, parseConcurrency, resolveSuites } from "../args/plan.ts";
import { formatSize } from "../args/units.ts";
import { commandLineOf } from "../commands/run.ts";
import type { Limits } from "../engine/container-spec.ts";
import type { EngineSession } from "../engine/session.ts";
import { BrinkError } from "../errors.ts";
import { executePlan } from "../orchestrate/execute-plan.ts";
import { probeInfos } from "../orchestrate/probe-info.ts";

/** The limit prompts, in order. */
const LIMIT_PROMPTS: [keyof Limits, string][] = [
  ["memory", "Memory fence"],
  ["disk", "Disk fence (/scratch)"],
  ["stack", "Stack fence"],
  ["nofile", "Open files (nofile)"],
  ["pids", "Processes (pids)"],
  ["cpus", "CPUs"],
];

/** Cancelled at a prompt: leave cleanly. */
class Cancelled extends Error {}

function ask<T>(value: T | symbol): T {
  if (p.isCancel(value)) throw new Cancelled();
  return value as T;
}

/** A validator for clack's text prompt from one of the flag parsers. */
function validator(parse: (v: string) => unknown) {
  return (v: string | undefined) => {
    try {
      parse(v ?? "");
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
}

async function askPlan(): Promise<Plan> {
  const categories = ask(
    await p.multiselect({
      message: "Which resources should brink exhaust?",
      options: CATEGORIES.map((c) => ({ value: c, label: c })),
      initialValues: [...CATEGORIES],
      required: true,
    }),
  ) as Category[];
  const text = async (message: string, initial: string, parse: (v: string) => unknown) =>
    ask(
      await p.text({
        message,
        initialValue: initial,
        placeholder: initial,
        validate: validator(parse),
      }),
    ) as string;
  // Validated as you type by the same parsers as the flags; limitsFromFlags checks the whole.
  const asked: Partial<Record<keyof Limits, string>> = {};
  for (const [name, message] of LIMIT_PROMPTS) {
    const initial =
      name === "memory" || name === "disk" || name === "stack"
        ? formatSize(DEFAULT_LIMITS[name])
        : String(DEFAULT_LIMITS[name]);
    asked[name] = await text(message, initial, LIMIT_PARSERS[name]);
  }
  const limits = limitsFromFlags(asked);
  const which = ask(
    await p.select({
      message: "Which suite?",
      options: [
        { value: "builtin", label: "the built-in suite" },
        { value: "file", label: "a suite file of my own" },
      ],
    }),
  );
  const project = process.cwd();
  let suites: string[] = [];
  if (which === "file") {
    const path = ask(
      await p.text({
        message: "Suite file (inside this folder)",
        placeholder: "examples/suite.ts",
        validate: validator((v) => resolveSuites([v], project)),
      }),
    ) as string;
    suites = resolveSuites([path], project);
  }
  const outs = ask(
    await p.multiselect({
      message: "Reports besides the terminal?",
      options: [
        { value: "json", label: "JSON", hint: "reports/brink.json" },
        { value: "junit", label: "JUnit XML", hint: "reports/brink.xml" },
        { value: "markdown", label: "Markdown", hint: "reports/brink.md" },
      ],
      required: false,
    }),
  ) as string[];
  const outputs = {
    json: outs.includes("json") ? "reports/brink.json" : undefined,
    junit: outs.includes("junit") ? "reports/brink.xml" : undefined,
    markdown: outs.includes("markdown") ? "reports/brink.md" : undefined,
  };
  return {
    categories,
    limits,
    suites,
    project,
    concurrency: parseConcurrency(undefined),
    timeoutMs: null,
    outputs,
  };
}

/**
 * The interactive wizard: categories, limits, suite, outputs, a confirmation showing the
 * equivalent `brink run` command line, then the run. Ctrl-C at any prompt exits cleanly.
 *
 * @example
 * process.exitCode = await runWizard({ color: true });
 */
export async function runWizard(ui: { color: boolean }): Promise<number> {
  p.intro("brink: push your code to the brink of its resources");
  try {
    const plan = await askPlan();
    const line = commandLineOf(plan);
    p.note(line, "The same run in CI");
    if (!ask(await p.confirm({ message: "Run it now?", initialValue: true }))) {
      p.outro(`Not run. Use the command above to run it later.`);
      return 0;
    }
    p.outro("Running the probes...");
    // The probes load inside the run scope: Ctrl-C from here on still ends in a report.
    const probes = (session: EngineSession, signal: AbortSignal) =>
      probeInfos(plan.suites, null, plan.categories, {
        project: plan.project,
        session: async () => session,
        signal,
      });
    return await executePlan(plan, probes, { ...ui, bar: true });
  } catch (e) {
    if (e instanceof Cancelled) {
      p.cancel("Cancelled; nothing was run.");
      return 130;
    }
    if (e instanceof BrinkError) throw e;
    throw new BrinkError("USAGE", (e as Error).message, { cause: e });
  }
}
