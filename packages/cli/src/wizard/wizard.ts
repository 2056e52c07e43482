import { CATEGORIES, type Category } from "@brink/probes/host";
import * as p from "@clack/prompts";
import { limitOf, limitsNeeded } from "../args/category-limit.ts";
import { commandLineOf } from "../args/command-line.ts";
import { invocationIn } from "../args/invocation.ts";
import { CATEGORY_DEFAULTS, DEFAULT_LIMITS, parseLimit } from "../args/limits.ts";
import { type Plan, parseConcurrency } from "../args/plan.ts";
import { formatSize } from "../args/units.ts";
import { probeSourceOf } from "../commands/run.ts";
import { squeezeWizard } from "../commands/squeeze-wizard.ts";
import type { Limits } from "../engine/container-spec.ts";
import { BrinkError } from "../errors.ts";
import { executePlan } from "../orchestrate/execute-plan.ts";
import { ask, Cancelled, validator } from "./ask.ts";
import { askReports } from "./ask-reports.ts";
import { askSuite } from "./ask-suite.ts";

/** Each limit's prompt. */
export const LIMIT_PROMPTS: Record<keyof Limits, string> = {
  memory: "Memory fence",
  disk: "Disk fence (/scratch)",
  stack: "Stack fence",
  nofile: "Open files (nofile)",
  pids: "Processes (pids)",
  cpus: "CPUs",
};

const SIZES: readonly (keyof Limits)[] = ["memory", "disk", "stack"];

async function askPlan(cwd: string): Promise<Plan> {
  const categories = ask(
    await p.multiselect({
      message: "Which resources should brink exhaust?",
      options: CATEGORIES.map((c) => {
        const limit = limitOf(c);
        return { value: c, label: c, ...(limit ? { hint: `--${limit}` } : {}) };
      }),
      initialValues: [...CATEGORIES],
      required: true,
    }),
  ) as Category[];
  // Only the limits the chosen categories push against; each answer is checked as it is
  // given, by the same parser and the same can-Bun-live-here check as the flags.
  // The value shown is the one that applies when it is kept: a category's own default (the
  // cpu category's 0.25 cpus) where it has one; only a changed answer is "given".
  const limits: Limits = { ...DEFAULT_LIMITS };
  const limitsGiven: (keyof Limits)[] = [];
  for (const name of limitsNeeded(categories)) {
    const own = categories.map((c) => CATEGORY_DEFAULTS[c]?.[name]).find((v) => v !== undefined);
    const shown = own ?? DEFAULT_LIMITS[name];
    const initial = SIZES.includes(name) ? formatSize(shown) : String(shown);
    const answer = ask(
      await p.text({
        message: LIMIT_PROMPTS[name],
        initialValue: initial,
        placeholder: initial,
        validate: validator((v) => parseLimit(name, v)),
      }),
    ) as string;
    const value = parseLimit(name, answer);
    if (value !== shown) limitsGiven.push(name);
    if (value !== shown || own === undefined) limits[name] = value;
  }
  const suites = await askSuite(cwd);
  const outputs = await askReports(cwd);
  return {
    categories,
    limits,
    limitsGiven,
    suites,
    project: cwd,
    concurrency: parseConcurrency(undefined),
    timeoutMs: null,
    outputs,
  };
}

/** Writes the command line on a line of its own, outside clack's gutter, so it copies as it is. */
function showLine(line: string, title?: string): void {
  process.stdout.write(`${title ? `${title}\n` : ""}\n${line}\n\n`);
}

/**
 * The interactive wizard: categories, the limits they need, suite, reports, each answer
 * checked where it is given; then the equivalent command line (as it runs where the user
 * is: `bunx brink`, `bun run brink` in brink's repository), a confirmation, the run, and the
 * command line once more at the end. Ctrl-C at any prompt exits cleanly.
 *
 * @example
 * process.exitCode = await runWizard({ color: true });
 */
export async function runWizard(ui: { color: boolean }, cwd = process.cwd()): Promise<number> {
  p.intro("brink: push your code to the brink of its resources");
  let line: string | undefined;
  try {
    const what = ask(
      await p.select({
        message: "What do you want to do?",
        options: [
          { value: "run", label: "push my code to the brink of its resources (run probes)" },
          { value: "squeeze", label: "find how much my command needs (brink squeeze)" },
        ],
        initialValue: "run",
      }),
    );
    if (what === "squeeze") return await squeezeWizard(ui, cwd);
    const plan = await askPlan(cwd);
    line = commandLineOf(plan, { cwd, invocation: invocationIn(cwd) });
    p.log.step("The same run from a shell or CI:");
    showLine(line);
    if (!ask(await p.confirm({ message: "Run it now?", initialValue: true }))) {
      p.outro("Not run. The command above runs it.");
      return 0;
    }
    p.outro("Running the probes...");
    try {
      return await executePlan(plan, probeSourceOf(plan), { ...ui, bar: true });
    } finally {
      showLine(line, "The same run again, from a shell or CI:");
    }
  } catch (e) {
    if (e instanceof Cancelled) {
      p.cancel("Cancelled; nothing was run.");
      return 130;
    }
    if (e instanceof BrinkError) throw e;
    throw new BrinkError("USAGE", (e as Error).message, { cause: e });
  }
}
