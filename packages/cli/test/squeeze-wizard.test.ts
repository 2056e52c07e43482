import { expect } from "bun:test";
import { engineTest, leftovers, MAIN, ROOT, testRunId } from "./engine.ts";

function tmux(...args: string[]): string {
  return Bun.spawnSync(["tmux", ...args], { stdout: "pipe", stderr: "pipe" }).stdout.toString();
}

/** Waits (polling the real terminal) until the pane shows `text`. */
async function waitFor(session: string, text: string | RegExp, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  let screen = "";
  while (Date.now() < end) {
    screen = tmux("capture-pane", "-p", "-J", "-S", "-300", "-t", session);
    if (typeof text === "string" ? screen.includes(text) : text.test(screen)) return screen;
    await Bun.sleep(100);
  }
  throw new Error(`the wizard never showed ${text}; the screen was:\n${screen}`);
}

engineTest(
  'wizard: "find how much my command needs" asks the command, the fences and a check, shows the squeeze line, squeezes, and shows it again',
  async () => {
    if (!Bun.which("tmux"))
      throw new Error("tmux is needed to drive the wizard at a real terminal");
    const s = `brink-wiz-sq-${process.pid}`;
    const run = testRunId("wizard-squeeze");
    const hold = "packages/cli/test/fixtures/programs/squeeze-hold.ts";
    tmux("kill-session", "-t", s);
    tmux(
      "new-session",
      "-d",
      "-s",
      s,
      "-x",
      "200",
      "-y",
      "60",
      `cd '${ROOT}' && NO_COLOR=1 BRINK_RUN_ID=${run} bun ${MAIN}; echo EXIT=$?; sleep 60`,
    );
    try {
      await waitFor(s, "What do you want to do?");
      tmux("send-keys", "-t", s, "Down", "Enter");
      await waitFor(s, "Which command?");
      tmux("send-keys", "-t", s, "Enter"); // nothing typed: refused where it is typed
      await waitFor(s, "type the command, e.g. bun parse.ts big.json");
      tmux("send-keys", "-t", s, "-l", `bun ${hold} 16`);
      tmux("send-keys", "-t", s, "Enter");
      await waitFor(s, "Which fences should brink squeeze?");
      tmux("send-keys", "-t", s, "a", "a", "Space", "Enter"); // all, none, then memory alone
      await waitFor(s, "A check to run after it");
      tmux("send-keys", "-t", s, "Enter");
      const confirm = await waitFor(s, "Squeeze it now?");
      const line = `bun run brink squeeze --fence memory -- bun ${hold} 16`;
      expect(confirm.split("\n").some((l) => l.trimEnd() === line)).toBe(true);
      tmux("send-keys", "-t", s, "Enter");
      const end = await waitFor(s, /EXIT=\d+/);
      expect(end).toMatch(/memory: needs \d+m; just below, at \d+m: oom-killed/);
      expect(end).toContain("The same squeeze again, from a shell or CI:");
      expect(end.split("\n").filter((l) => l.trimEnd() === line).length).toBe(2);
      expect(end).toContain("EXIT=1"); // an OOM kill below the cliff is not graceful
      expect(await leftovers(run)).toBe(0);
    } finally {
      tmux("kill-session", "-t", s);
    }
  },
  120_000,
);
