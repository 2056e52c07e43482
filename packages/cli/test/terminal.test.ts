import { expect } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CATEGORIES } from "@brink/probes";
import { limitsNeeded } from "../src/args/category-limit.ts";
import { LIMIT_PROMPTS } from "../src/wizard/wizard.ts";
import { engineTest, leftovers, MAIN, ROOT, testRunId } from "./engine.ts";

function tmux(...args: string[]): string {
  return Bun.spawnSync(["tmux", ...args], { stdout: "pipe", stderr: "pipe" }).stdout.toString();
}

/** Waits (polling the real terminal) until the pane shows `text`. */
async function waitFor(session: string, text: RegExp, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  let screen = "";
  while (Date.now() < end) {
    screen = tmux("capture-pane", "-p", "-J", "-S", "-300", "-t", session);
    if (text.test(screen)) return screen;
    await Bun.sleep(100);
  }
  throw new Error(`the terminal never showed ${text}; the screen was:\n${screen}`);
}

/** Runs `command` at a real terminal (tmux), colours on and CI unset, so the progress bar is used. */
function start(session: string, cwd: string, run: string, command: string): void {
  if (!Bun.which("tmux"))
    throw new Error("tmux is needed to press Ctrl-C at a real terminal (apt-get install tmux)");
  tmux("kill-session", "-t", session);
  tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    "160",
    "-y",
    "50",
    `cd ${cwd} && env -u CI -u NO_COLOR BRINK_RUN_ID=${run} ${command}; echo EXIT=$?; sleep 60`,
  );
}

engineTest(
  "the Ctrl-C key at a terminal while the progress bar runs (brink run, and a run from the wizard): exit 130, report written, no container left",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "brink-term-"));
    chmodSync(dir, 0o755); // readable by the container's user: mounted, not copied
    const s = `brink-term-${process.pid}`;
    try {
      // brink run at a terminal.
      const run = testRunId("term-run");
      start(s, dir, run, `bun ${MAIN} run --json ${dir}/run.json`);
      await waitFor(s, /█*─* [1-9]\d*\/\d+ probes/);
      tmux("send-keys", "-t", s, "C-c");
      const end = await waitFor(s, /EXIT=\d+/);
      expect(end).toContain("EXIT=130");
      expect(end).toContain("stopped after");
      expect(end).not.toContain("Canceled");
      const report = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
      expect(report.incomplete).toBe("interrupted by SIGINT");
      expect(report.summary.total).toBe(report.results.length);
      expect(await leftovers(run)).toBe(0);

      // The wizard, defaults but a JSON report, then Ctrl-C during its run.
      const wiz = testRunId("term-wizard");
      start(s, dir, wiz, `bun ${MAIN}`);
      await waitFor(s, /What do you want/); // run probes (the default), not squeeze
      tmux("send-keys", "-t", s, "Enter");
      await waitFor(s, /Which resources/);
      tmux("send-keys", "-t", s, "Enter");
      const prompts = limitsNeeded(CATEGORIES).map((l) => LIMIT_PROMPTS[l]);
      for (const prompt of [...prompts, "Which suite"]) {
        await waitFor(s, new RegExp(prompt.replace(/[()/]/g, "\\$&")));
        tmux("send-keys", "-t", s, "Enter");
      }
      await waitFor(s, /Reports besides/);
      tmux("send-keys", "-t", s, "Space");
      tmux("send-keys", "-t", s, "Enter");
      await waitFor(s, /Run it now\?/);
      tmux("send-keys", "-t", s, "Enter");
      await waitFor(s, /█*─* [1-9]\d*\/\d+ probes/);
      tmux("send-keys", "-t", s, "C-c");
      const wend = await waitFor(s, /EXIT=\d+/);
      expect(wend).toContain("EXIT=130");
      expect(wend).not.toContain("Canceled");
      const wreport = JSON.parse(readFileSync(join(dir, "reports/brink.json"), "utf8"));
      expect(wreport.incomplete).toBe("interrupted by SIGINT");
      expect(existsSync(join(dir, "reports/brink.xml"))).toBe(false);
      expect(await leftovers(wiz)).toBe(0);
    } finally {
      tmux("kill-session", "-t", s);
      rmSync(dir, { recursive: true, force: true });
    }
  },
  120_000,
);

engineTest(
  "the progress bar at a terminal: each failure's id and reason above the bar as it happens, one clock, no 'last'",
  async () => {
    const s = `brink-term-bar-${process.pid}`;
    const run = testRunId("term-bar");
    start(s, ROOT, run, `bun ${MAIN} run --suite packages/cli/test/fixtures/suites/ux.ts`);
    try {
      // Both failures are on screen above the bar while the slow probe still runs (2/3).
      const during = await waitFor(
        s,
        /fail {3}fd\.ux-fails: the store lost a write\n(.*\n)*fail {3}fd\.ux-throws: threw TypeError: the store handle was closed\n.*2\/3 probes, 2 not passing/,
      );
      const bar = during.split("\n").find((l) => l.includes("2/3 probes")) ?? "";
      expect(bar).toMatch(/^[◒◐◓◑] {2}█+─+ 2\/3 probes, 2 not passing {2}\d+\.\ds\s*$/);
      expect(bar.match(/\d+\.\ds/g)).toHaveLength(1);
      expect(during).not.toContain("second line");
      const end = await waitFor(s, /EXIT=\d+/);
      expect(end).toContain("EXIT=1");
      expect(end).not.toContain("last ");
      expect(end).toMatch(/◆ {2}3\/3 probes, 2 not passing in \d+\.\ds/);
      expect(await leftovers(run)).toBe(0);
    } finally {
      tmux("kill-session", "-t", s);
    }
  },
  120_000,
);
