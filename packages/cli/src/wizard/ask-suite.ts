import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import * as p from "@clack/prompts";
import { resolveSuites } from "../args/plan.ts";
import { ask, validator } from "./ask.ts";

/** Where a project's own suite usually is: what `brink init` writes, then brink's example. */
const USUAL = ["brink/suite.ts", "examples/suite.ts"];

/** The suite file a project most probably means, relative to it, or null. */
export function usualSuite(project: string): string | null {
  return (
    USUAL.find((f) => existsSync(join(project, f)) && statSync(join(project, f)).isFile()) ?? null
  );
}

/**
 * Asks which suite: the built-in one, or a file of the project's. At the file prompt, Enter
 * takes the shown default (`usualSuite`), or the built-in suite when there is none: never
 * the folder itself. A path that is not a file in the project is refused where it is typed.
 * Returns the suite files, absolute (none: the built-in suite).
 *
 * @example
 * const suites = await askSuite(process.cwd());
 */
export async function askSuite(project: string): Promise<string[]> {
  const usual = usualSuite(project);
  const which = ask(
    await p.select({
      message: "Which suite?",
      options: [
        { value: "builtin", label: "the built-in suite" },
        { value: "file", label: "a suite file of my own", ...(usual ? { hint: usual } : {}) },
      ],
      // A project brink init set up (brink/suite.ts) starts on its own suite.
      initialValue: usual === USUAL[0] ? "file" : "builtin",
    }),
  );
  if (which !== "file") return [];
  const path = ask(
    await p.text({
      message: "Suite file (inside this folder)",
      placeholder: usual ?? "Enter: the built-in suite",
      defaultValue: usual ?? "",
      validate: validator((v) => (v.trim() ? resolveSuites([v.trim()], project) : [])),
    }),
  ) as string;
  return path.trim() ? resolveSuites([path.trim()], project) : [];
}
