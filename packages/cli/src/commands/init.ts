import { parseArgs } from "node:util";
import { CATEGORIES, type Category } from "@brink/probes/host";
import * as p from "@clack/prompts";
import { parseCategories, resolveProject } from "../args/plan.ts";
import { BrinkError } from "../errors.ts";
import { SCRIPT_NAME } from "./init-files.ts";
import { applyInit, type InitPlan, planInit } from "./init-plan.ts";
import { parseOrUsage } from "./parse.ts";

const OPTIONS = {
  yes: { type: "boolean", short: "y" },
  force: { type: "boolean" },
  category: { type: "string", multiple: true },
  project: { type: "string" },
} as const;

/** The commands to run next, given what the project already has. */
export function nextSteps(plan: InitPlan): string[] {
  return [...(plan.hasBrink ? [] : ["bun add -d @brink/cli"]), `bun run ${SCRIPT_NAME}`];
}

function summary(plan: InitPlan, written: string[]): string {
  const lines = plan.writes.map((w) => {
    const done = written.includes(w.path);
    const verb = !done
      ? w.state === "same"
        ? "unchanged"
        : "kept"
      : w.state === "update"
        ? "updated"
        : "wrote";
    return `  ${verb.padEnd(9)} ${w.path} (${w.what})`;
  });
  return `${lines.join("\n")}\n\nNext:\n${nextSteps(plan)
    .map((s) => `  ${s}`)
    .join("\n")}\n`;
}

/** Cancelled at a prompt: nothing written. */
class Cancelled extends Error {}
function ask<T>(value: T | symbol): T {
  if (p.isCancel(value)) throw new Cancelled();
  return value as T;
}

async function interactive(project: string, preset: Category[] | null): Promise<number> {
  p.intro("brink init: destructive tests for this project");
  try {
    const categories =
      preset ??
      (ask(
        await p.multiselect({
          message: "Which resources should the starter suite exhaust?",
          options: CATEGORIES.map((c) => ({ value: c, label: c })),
          initialValues: [...CATEGORIES],
          required: true,
        }),
      ) as Category[]);
    const plan = planInit(project, categories);
    const keep = new Set<string>();
    for (const w of plan.writes.filter((x) => x.state === "differs")) {
      const overwrite = ask(
        await p.confirm({
          message: `${w.path} exists and differs. Overwrite it?`,
          initialValue: false,
        }),
      );
      if (!overwrite) keep.add(w.path);
    }
    const written = applyInit(plan, keep);
    p.note(summary(plan, written).trimEnd(), "brink init");
    p.outro(`Next: ${nextSteps(plan).join(" && ")}`);
    return 0;
  } catch (e) {
    if (e instanceof Cancelled) {
      p.cancel("Cancelled; nothing was written.");
      return 130;
    }
    throw e;
  }
}

/**
 * `brink init`: writes a starter suite (brink/suite.ts, one probe per category), a
 * `test:destructive` script in package.json and a GitHub workflow using brink's action into
 * the project. At a terminal it asks; `--yes` is for scripts. It never overwrites a file
 * that differs without a yes at the prompt or `--force`.
 *
 * @example
 * process.exitCode = await initCommand(["--yes", "--category", "fd,disk"]);
 */
export async function initCommand(argv: string[]): Promise<number> {
  const { values: v } = parseOrUsage(
    () => parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }),
    argv,
  );
  const project = resolveProject(v.project);
  const preset = v.category !== undefined ? parseCategories(v.category.join(",")) : null;
  if (!v.yes) {
    if (process.stdin.isTTY && process.stdout.isTTY) return interactive(project, preset);
    throw new BrinkError(
      "USAGE",
      "brink init asks questions at a terminal; in scripts use brink init --yes (and --force to overwrite)",
    );
  }
  const plan = planInit(project, preset ?? [...CATEGORIES]);
  const differs = plan.writes.filter((w) => w.state === "differs").map((w) => w.path);
  if (differs.length && !v.force) {
    throw new BrinkError(
      "USAGE",
      `${differs.join(", ")} already exist${differs.length === 1 ? "s" : ""} and differ${differs.length === 1 ? "s" : ""}; nothing written. Add --force to overwrite, or move ${differs.length === 1 ? "it" : "them"} away`,
    );
  }
  const written = applyInit(plan, new Set());
  process.stdout.write(`brink init in ${project}:\n${summary(plan, written)}`);
  return 0;
}
