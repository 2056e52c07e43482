import type { Category, ProbeResult } from "@brink/probes/host";
import { cleanTerminalText } from "./escape.ts";
import { type palette, resultLine, statusWord } from "./terminal.ts";
import { clip, toText } from "./text.ts";

/** Progress of a run as it goes: lines for logs and CI, a progress bar at a terminal. */
export interface Progress {
  containerStarting(category: Category): void;
  result(r: ProbeResult): void;
  /** The run ended (normally or not). */
  stop(interrupted: boolean): void;
}

const since = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)}s`;

/** One line per container start and per result, with the elapsed time (a result that did not pass with the first line of why): for CI logs. */
export function lineProgress(c: ReturnType<typeof palette>, t0: number): Progress {
  const err = (s: string) => process.stderr.write(`${s}\n`);
  return {
    containerStarting: (cat) =>
      err(c.dim(`${since(t0).padStart(7)} ${cat.padEnd(5)} container starting`)),
    result: (r) => {
      const line = resultLine(r, c, performance.now() - t0);
      const why = r.status === "pass" ? "" : (toText(r.message).split("\n")[0] ?? "");
      err(why ? `${line}: ${cleanTerminalText(clip(why, 200))}` : line);
    },
    stop: () => {},
  };
}

const FRAMES = ["◒", "◐", "◓", "◑"];
const BAR = 20;

/** One line for a result that did not pass, shown above the bar as it arrives: status, id, the first line of its message. */
export function problemLine(
  r: ProbeResult,
  c: ReturnType<typeof palette>,
  columns: number,
): string {
  const reason = toText(r.message).split("\n")[0] ?? "";
  const text = `${cleanTerminalText(r.id)}: ${cleanTerminalText(reason)}`;
  return `${statusWord(r, c)} ${clip(text, Math.max(20, columns - 8))}`;
}

/**
 * A progress bar redrawn in place on a terminal (stderr): probes done of the total, how many
 * are not passing, and the time since the run started (its one clock). Each result that did
 * not pass is printed above the bar as it arrives (status, id, the first line of why). It
 * never takes the terminal's input (no raw mode), so Ctrl-C stays the terminal's SIGINT,
 * which the run scope traps.
 *
 * @example
 * const bar = barProgress(37, performance.now(), palette(true));
 * bar.result(r); bar.stop(false);
 */
export function barProgress(
  total: number,
  t0: number,
  c: ReturnType<typeof palette>,
  out: NodeJS.WriteStream = process.stderr,
): Progress {
  let done = 0;
  let bad = 0;
  let frame = 0;
  const noun = total === 1 ? "probe" : "probes";
  const status = () => `${done}/${total} ${noun}${bad ? `, ${bad} not passing` : ""}`;
  const line = () => {
    const filled = Math.round((BAR * done) / Math.max(1, total));
    const text = `${FRAMES[frame]}  ${"█".repeat(filled)}${"─".repeat(BAR - filled)} ${status()}  ${since(t0)}`;
    return text.slice(0, Math.max(20, (out.columns ?? 80) - 1));
  };
  const draw = () => out.write(`\r\u001b[2K${line()}`);
  const timer = setInterval(() => {
    frame = (frame + 1) % FRAMES.length;
    draw();
  }, 250);
  timer.unref?.();
  draw();
  return {
    containerStarting: () => draw(),
    result: (r) => {
      done++;
      if (r.status !== "pass" && r.status !== "skip") bad++;
      if (r.status !== "pass") out.write(`\r\u001b[2K${problemLine(r, c, out.columns ?? 80)}\n`);
      draw();
    },
    stop: (interrupted) => {
      clearInterval(timer);
      out.write(
        `\r\u001b[2K${interrupted ? `■  stopped after ${status()} (${since(t0)})` : `◆  ${status()} in ${since(t0)}`}\n`,
      );
    },
  };
}
