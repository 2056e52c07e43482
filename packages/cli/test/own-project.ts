import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./engine.ts";

/** The install line of README's "In your own project": the adopt test installs tarballs instead. */
export const INSTALL = "bun add -d @brink/cli";

/**
 * The commands of README's "In your own project" section, in order, each split into argv
 * (comments dropped): what the docs test checks and the adopt test runs.
 *
 * @example
 * ownProjectCommands()[1]; // ["bunx", "brink", "init", "--yes"]
 */
export function ownProjectCommands(
  readme = readFileSync(join(ROOT, "README.md"), "utf8"),
): string[][] {
  const section = /^## In your own project\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## In your own project" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md\'s "In your own project" has no ```sh block');
  return block
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter(Boolean)
    .map((l) => l.split(/\s+/));
}
