import { expect, test } from "bun:test";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CATEGORIES } from "@brink/probes";
import { limitsNeeded } from "../src/args/category-limit.ts";
import { CATEGORY_DEFAULTS, DEFAULT_LIMITS } from "../src/args/limits.ts";
import { formatSize } from "../src/args/units.ts";
import { LIMIT_PROMPTS } from "../src/wizard/wizard.ts";
import { engineTest, leftovers, MAIN, ROOT, testRunId } from "./engine.ts";

const hasTmux = Bun.which("tmux") !== null;

function tmux(...args: string[]): string {
  const r = Bun.spawnSync(["tmux", ...args], { stdout: "pipe", stderr: "pipe" });
  return r.stdout.toString();
}

/** The pane as text, wrapped lines joined (-J), so a long line reads as the one it is. */
const screenOf = (session: string) => tmux("capture-pane", "-p", "-J", "-S", "-300", "-t", session);

/** Waits (polling the real terminal) until the pane shows `text`. */
async function waitFor(session: string, text: string | RegExp, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  let screen = "";
  while (Date.now() < end) {
    screen = screenOf(session);
    if (typeof text === "string" ? screen.includes(text) : text.test(screen)) return screen;
    await Bun.sleep(100);
  }
  throw new Error(`the wizard never showed ${text}; the screen was:\n${screen}`);
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

function start(session: string, run: string, cwd = ROOT): void {
  if (!hasTmux)
    throw new Error(
      "tmux is needed to drive the wizard at a real terminal (scripts/engine.sh installs it)",
    );
  tmux("kill-session", "-t", session);
  tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    "200",
    "-y",
    "50",
    `cd ${quote(cwd)} && NO_COLOR=1 BRINK_RUN_ID=${run} bun ${MAIN}; echo EXIT=$?; sleep 60`,
  );
}

const keys = (s: string, ...k: string[]) => tmux("send-keys", "-t", s, ...k);
/** Types text into the prompt (literally, so spaces and quotes stay what they are). */
const type = (s: string, text: string) => tmux("send-keys", "-t", s, "-l", text);
const erase = (s: string, n: number) => keys(s, ...Array(n).fill("BSpace"));

/** The screen lines that are exactly `line`: printed on a line of its own, no gutter, no box. */
const ownLines = (screen: string, line: string) =>
  screen.split("\n").filter((l) => l.trimEnd() === line).length;

/** The limit prompts the wizard asks when every category is chosen, in order. */
const ALL_PROMPTS = limitsNeeded(CATEGORIES).map((l) => LIMIT_PROMPTS[l]);
const shown = (l: keyof typeof DEFAULT_LIMITS) =>
  ["memory", "disk", "stack"].includes(l)
    ? formatSize(DEFAULT_LIMITS[l])
    : String(DEFAULT_LIMITS[l]);

engineTest(
  "wizard: driven at a real terminal with the defaults, it shows the command line on its own line, runs, and shows it again",
  async () => {
    const s = `brink-wiz-${process.pid}`;
    const run = testRunId("wizard");
    start(s, run);
    try {
      await waitFor(s, "What do you want"); // run probes (the default), not squeeze
      keys(s, "Enter");
      await waitFor(s, "Which resources");
      keys(s, "Enter");
      for (const prompt of ALL_PROMPTS) {
        await waitFor(s, prompt);
        keys(s, "Enter");
      }
      await waitFor(s, "Which suite");
      keys(s, "Enter");
      await waitFor(s, "Reports besides");
      keys(s, "Enter");
      const confirm = await waitFor(s, "Run it now?");
      const line = [
        "bun run brink run --category",
        CATEGORIES.join(","),
        // a limit some category has a default of its own for (cpu's 0.25 cpus) is left to it
        ...limitsNeeded(CATEGORIES)
          .filter((l) => !CATEGORIES.some((c) => CATEGORY_DEFAULTS[c]?.[l] !== undefined))
          .map((l) => `--${l} ${shown(l)}`),
      ].join(" ");
      expect(ownLines(confirm, line)).toBe(1);
      keys(s, "Enter");
      const end = await waitFor(s, /EXIT=\d+/, 150_000);
      expect(end).toMatch(/\d+ passed, 0 failed/);
      expect(end).toContain("The same run again, from a shell or CI:");
      expect(ownLines(end, line)).toBe(2);
      expect(end).toContain("EXIT=0");
      expect(await leftovers(run)).toBe(0);
    } finally {
      tmux("kill-session", "-t", s);
    }
  },
  200_000,
);

engineTest(
  "wizard in a project: only the limit its category needs, a bad answer refused where it is typed, a quoted suite path, and the printed line runs as pasted",
  async () => {
    // A project whose path and suite path hold spaces, with @brink/cli installed.
    const dir = mkdtempSync(join(tmpdir(), "brink wizard project "));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, "node_modules/@brink"), { recursive: true });
    mkdirSync(join(dir, "node_modules/.bin"));
    symlinkSync(join(ROOT, "packages/cli"), join(dir, "node_modules/@brink/cli"));
    symlinkSync("../@brink/cli/src/main.ts", join(dir, "node_modules/.bin/brink"));
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "app", devDependencies: { "@brink/cli": "0.1.0" } }),
    );
    mkdirSync(join(dir, "my suites"), { mode: 0o755 });
    copyFileSync(join(import.meta.dir, "fixtures/suites/one.ts"), join(dir, "my suites/one fd.ts"));
    chmodSync(join(dir, "my suites/one fd.ts"), 0o644);
    const s = `brink-wiz-p-${process.pid}`;
    const run = testRunId("wizard-project");
    start(s, run, dir);
    try {
      await waitFor(s, "What do you want"); // run probes (the default), not squeeze
      keys(s, "Enter");
      await waitFor(s, "Which resources");
      keys(s, "a"); // none chosen
      for (let i = 0; i < CATEGORIES.indexOf("fd"); i++) keys(s, "Down");
      keys(s, "Space", "Enter");
      await waitFor(s, "Open files (nofile)");
      erase(s, 4);
      type(s, "2");
      keys(s, "Enter");
      await waitFor(s, "--nofile 2 cannot be honoured: Bun does not start under 32");
      erase(s, 1);
      type(s, "64");
      keys(s, "Enter");
      const asked = await waitFor(s, "Which suite");
      for (const other of ALL_PROMPTS.filter((p) => p !== LIMIT_PROMPTS.nofile))
        expect(asked).not.toContain(other);
      keys(s, "Down", "Enter");
      await waitFor(s, "Suite file");
      type(s, "nope.ts");
      keys(s, "Enter");
      await waitFor(s, "--suite nope.ts does not exist");
      erase(s, 7);
      type(s, "my suites/one fd.ts");
      keys(s, "Enter");
      await waitFor(s, "Reports besides");
      keys(s, "Space", "Enter");
      const confirm = await waitFor(s, "Run it now?");
      const line =
        "bunx brink run --category fd --nofile 64 --suite 'my suites/one fd.ts' --json reports/brink.json";
      expect(ownLines(confirm, line)).toBe(1);
      keys(s, "Enter");
      const end = await waitFor(s, /EXIT=\d+/, 120_000);
      expect(end).toContain("EXIT=0");
      expect(end).toMatch(/: 1 probe in fd; engine /);
      expect(end).not.toContain("note:");
      expect(end).toContain("JSON: reports/brink.json");
      expect(ownLines(end, line)).toBe(2);
      expect(await leftovers(run)).toBe(0);
      const fromWizard = JSON.parse(readFileSync(join(dir, "reports/brink.json"), "utf8"));
      expect(fromWizard.results.map((r: { id: string }) => r.id)).toEqual(["fd.one-passes"]);

      // The line as printed, pasted into a shell in the project: the same run.
      rmSync(join(dir, "reports"), { recursive: true });
      const again = testRunId("wizard-pasted");
      const p = Bun.spawn(["sh", "-c", line], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: "1", BRINK_RUN_ID: again },
        stdout: "pipe",
        stderr: "pipe",
      });
      const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
      expect(code).toBe(0);
      expect(out).toContain("JSON: reports/brink.json");
      const pasted = JSON.parse(readFileSync(join(dir, "reports/brink.json"), "utf8"));
      expect(pasted.results.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
        ["fd.one-passes", "pass"],
      ]);
      expect(pasted.results[0].fence.nofile).toBe(64);
      expect(await leftovers(again)).toBe(0);
    } finally {
      tmux("kill-session", "-t", s);
      rmSync(dir, { recursive: true, force: true });
    }
  },
  200_000,
);

test("wizard: Enter at the suite file takes the shown default (never the folder); a limit that Bun cannot live under is refused where it is typed", async () => {
  const s = `brink-wiz-s-${process.pid}`;
  start(s, testRunId("wizard-suite"));
  try {
    await waitFor(s, "What do you want"); // run probes (the default), not squeeze
    keys(s, "Enter");
    await waitFor(s, "Which resources");
    keys(s, "Enter");
    await waitFor(s, LIMIT_PROMPTS.memory);
    erase(s, 4);
    type(s, "1k");
    keys(s, "Enter");
    await waitFor(
      s,
      "--memory 1k cannot be honoured: the runner and a probe's process (two Bun processes) need 32m",
    );
    erase(s, 2);
    type(s, "64");
    keys(s, "Enter");
    await waitFor(s, "--memory 64 is 64 bytes: did you mean 64m?");
    type(s, "m");
    keys(s, "Enter");
    for (const prompt of ALL_PROMPTS.slice(1)) {
      await waitFor(s, prompt);
      keys(s, "Enter");
    }
    await waitFor(s, "Which suite");
    keys(s, "Down", "Enter");
    await waitFor(s, "Suite file");
    keys(s, "Enter");
    await waitFor(s, "Reports besides");
    keys(s, "Enter");
    const confirm = await waitFor(s, "Run it now?");
    const line = confirm.split("\n").find((l) => l.startsWith("bun run brink run ")) ?? "";
    expect(line).toContain("--memory 64m");
    expect(line).toEndWith("--suite examples/suite.ts");
    keys(s, "Right", "Enter");
    const end = await waitFor(s, /EXIT=\d+/);
    expect(end).toContain("Not run. The command above runs it.");
    expect(end).toContain("EXIT=0");
  } finally {
    tmux("kill-session", "-t", s);
  }

  // A folder with no suite of its own: Enter is the built-in suite, and brink is on the PATH.
  const dir = mkdtempSync(join(tmpdir(), "brink-wiz-empty-"));
  start(s, testRunId("wizard-empty"), dir);
  try {
    await waitFor(s, "What do you want"); // run probes (the default), not squeeze
    keys(s, "Enter");
    await waitFor(s, "Which resources");
    keys(s, "Enter");
    for (const prompt of ALL_PROMPTS) {
      await waitFor(s, prompt);
      keys(s, "Enter");
    }
    await waitFor(s, "Which suite");
    keys(s, "Down", "Enter");
    await waitFor(s, "Enter: the built-in suite");
    keys(s, "Enter");
    await waitFor(s, "Reports besides");
    keys(s, "Enter");
    const confirm = await waitFor(s, "Run it now?");
    const line = confirm.split("\n").find((l) => l.startsWith("brink run ")) ?? "";
    expect(line).toStartWith(`brink run --category ${CATEGORIES.join(",")} `);
    expect(line).not.toContain("--suite");
    expect(confirm).not.toContain(dir);
    keys(s, "Right", "Enter");
    expect(await waitFor(s, /EXIT=\d+/)).toContain("EXIT=0");
  } finally {
    tmux("kill-session", "-t", s);
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

engineTest("wizard: Ctrl-C at a prompt exits cleanly and runs nothing", async () => {
  const s = `brink-wiz-c-${process.pid}`;
  start(s, testRunId("wizard-cancel"));
  try {
    await waitFor(s, "What do you want"); // run probes (the default), not squeeze
    keys(s, "Enter");
    await waitFor(s, "Which resources");
    keys(s, "Down", "Space");
    await waitFor(s, "Which resources");
    keys(s, "C-c");
    const end = await waitFor(s, /EXIT=\d+/);
    expect(end).toContain("Cancelled; nothing was run.");
    expect(end).toContain("EXIT=130");
    expect(end).not.toMatch(/\n\s+at /);
  } finally {
    tmux("kill-session", "-t", s);
  }
});
