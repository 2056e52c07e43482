import type { Category, ProbeResult } from "@brink/probes";
import * as clack from "@clack/prompts";
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

/** A clack progress bar on stderr: probes done of the total, what is not passing, elapsed. */
export function barProgress(total: number, t0: number): Progress {
  const bar = clack.progress({ max: total, output: process.stderr, indicator: "timer" });
  let done = 0;
  let bad = 0;
  const started: Category[] = [];
  const say = (last: string) =>
    `${done}/${total} probes${bad ? `, ${bad} not passing` : ""}; last ${last}`;
  bar.start(`starting fenced containers`);
  return {
    containerStarting: (cat) => {
      if (!started.includes(cat)) started.push(cat);
      bar.message(`${say("-")}; started ${started.join(", ")}`);
    },
    result: (r) => {
      done++;
      if (r.status !== "pass" && r.status !== "skip") bad++;
      bar.advance(1, say(`${r.id} ${r.status}`));
    },
    stop: (interrupted) => {
      if (interrupted) bar.cancel(`stopped after ${done}/${total} probes (${since(t0)})`);
      else bar.stop(`${done}/${total} probes in ${since(t0)}${bad ? `, ${bad} not passing` : ""}`);
    },
  };
}
