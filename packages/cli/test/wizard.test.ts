import { expect } from "bun:test";
import { engineTest, leftovers, MAIN, ROOT, testRunId } from "./engine.ts";

const hasTmux = Bun.which("tmux") !== null;

function tmux(...args: string[]): string {
  const r = Bun.spawnSync(["tmux", ...args], { stdout: "pipe", stderr: "pipe" });
  return r.stdout.toString();
}

/** Waits (polling the real terminal) until the pane shows `text`. */
async function waitFor(session: string, text: string | RegExp, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  let screen = "";
  while (Date.now() < end) {
    screen = tmux("capture-pane", "-p", "-S", "-200", "-t", session);
    if (typeof text === "string" ? screen.includes(text) : text.test(screen)) return screen;
    await Bun.sleep(100);
  }
  throw new Error(`the wizard never showed ${text}; the screen was:\n${screen}`);
}

function start(session: string, run: string): void {
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
    "160",
    "-y",
    "50",
    `cd ${ROOT} && NO_COLOR=1 BRINK_RUN_ID=${run} bun ${MAIN}; echo EXIT=$?; sleep 60`,
  );
}

engineTest(
  "wizard: driven at a real terminal with the defaults, it shows the CI command and runs",
  async () => {
    const s = `brink-wiz-${process.pid}`;
    const run = testRunId("wizard");
    start(s, run);
    try {
      await waitFor(s, "Which resources");
      tmux("send-keys", "-t", s, "Enter");
      for (const prompt of [
        "Memory fence",
        "Disk fence",
        "Stack fence",
        "Open files",
        "Processes",
        "CPUs",
      ]) {
        await waitFor(s, prompt);
        tmux("send-keys", "-t", s, "Enter");
      }
      await waitFor(s, "Which suite");
      tmux("send-keys", "-t", s, "Enter");
      await waitFor(s, "Reports besides");
      tmux("send-keys", "-t", s, "Enter");
      const confirm = await waitFor(s, "Run it now?");
      expect(confirm).toContain(
        "brink run --category oom,disk,stack,fd,pids --memory 128m --disk 100m --stack 1m --nofile 256 --pids 100 --cpus 1",
      );
      tmux("send-keys", "-t", s, "Enter");
      const end = await waitFor(s, /EXIT=\d+/, 120_000);
      expect(end).toMatch(/\d+ passed, 0 failed/);
      expect(end).toContain("EXIT=0");
      expect(await leftovers(run)).toBe(0);
    } finally {
      tmux("kill-session", "-t", s);
    }
  },
  180_000,
);

engineTest("wizard: Ctrl-C at a prompt exits cleanly and runs nothing", async () => {
  const s = `brink-wiz-c-${process.pid}`;
  start(s, testRunId("wizard-cancel"));
  try {
    await waitFor(s, "Which resources");
    tmux("send-keys", "-t", s, "Down", "Space");
    await waitFor(s, "Which resources");
    tmux("send-keys", "-t", s, "C-c");
    const end = await waitFor(s, /EXIT=\d+/);
    expect(end).toContain("Cancelled; nothing was run.");
    expect(end).toContain("EXIT=130");
    expect(end).not.toMatch(/\n\s+at /);
  } finally {
    tmux("kill-session", "-t", s);
  }
});
