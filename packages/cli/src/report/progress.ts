import type { Category, ProbeResult } from "@brink/probes";
import { cleanTerminalText } from "./escape.ts";
import { type palette, resultLine } from "./terminal.ts";

/** Progress of a run as it goes: lines for logs and CI, a progress bar at a terminal. */
export interface Progress {
  containerStarting(category: Category): void;
  result(r: ProbeResult): void;
  /** The run ended (normally or not). */
  stop(interrupted: boolean): void;
}

const since = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)}s`;

/** One line per container start and per result, with the elapsed time: for CI logs. */
export function lineProgress(c: ReturnType<typeof palette>, t0: number): Progress {
  const err = (s: string) => process.stderr.write(`${s}\n`);
  return {
    containerStarting: (cat) =>
      err(c.dim(`${since(t0).padStart(7)} ${cat.padEnd(5)} container starting`)),
    result: (r) => err(resultLine(r, c, performance.now() - t0)),
    stop: () => {},
  };
}

const FRAMES = ["◒", "◐", "◓", "◑"];
const BAR = 20;

/**
 * A progress bar redrawn in place on a terminal (stderr): probes done of the total, how many
 * are not passing, the last result, elapsed time. It never takes the terminal's input (no
 * raw mode), so Ctrl-C stays the terminal's SIGINT, which the run scope traps.
 *
 * @example
 * const bar = barProgress(37, performance.now());
 * bar.result(r); bar.stop(false);
 */
export function barProgress(
  total: number,
  t0: number,
  out: NodeJS.WriteStream = process.stderr,
): Progress {
  let done = 0;
  let bad = 0;
  let frame = 0;
  let last = "starting fenced containers";
  const started: string[] = [];
  const status = () => `${done}/${total} probes${bad ? `, ${bad} not passing` : ""}`;
  const line = () => {
    const filled = Math.round((BAR * done) / Math.max(1, total));
    const text = `${FRAMES[frame]}  ${"█".repeat(filled)}${"─".repeat(BAR - filled)} ${status()}; ${last} [${since(t0)}]`;
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
    containerStarting: (cat) => {
      if (!started.includes(cat)) started.push(cat);
      if (!done) last = `started ${started.join(", ")}`;
      draw();
    },
    result: (r) => {
      done++;
      if (r.status !== "pass" && r.status !== "skip") bad++;
      last = `last ${cleanTerminalText(r.id)} ${cleanTerminalText(r.status)}`;
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
