import { LABEL_HOST, LABEL_PID, LABEL_STARTED } from "./labels.ts";

/** Past this age, a run of another host (or of a brink too old to say who made it) is dead. */
export const FOREIGN_RUN_BOUND_MS = 24 * 3600 * 1000;
/** How far a process's start may read apart from its label and still be the same process. */
const SAME_START_MS = 3000;

/** What liveness is judged from: the engine's labels and creation time of a container or image. */
export interface OwnedThing {
  labels: Record<string, string> | null | undefined;
  /** When the engine created it, ms since the epoch. */
  createdMs: number;
}

/** The world a judgement looks at: this host, the time, and how to read a process's start. */
export interface LivenessContext {
  host: string;
  now: number;
  /** ms since the epoch; null when no such process runs; undefined when it cannot tell. */
  startOf(pid: number): number | null | undefined;
  /** @default FOREIGN_RUN_BOUND_MS */
  boundMs?: number;
}

/** Whether the run that made something is alive, and why brink thinks so. */
export interface Liveness {
  alive: boolean;
  why: string;
}

const hours = (ms: number) => `${Math.round(ms / 3600_000)} h`;

/**
 * Judges whether the brink process that made a container or image is still running. On this
 * host: its pid runs and started when the label says (not a later process that got the pid).
 * Elsewhere, or without owner labels (an older brink): alive until older than the bound.
 *
 * @example
 * judgeRun({ labels: { "dev.brink.pid": "99999999", "dev.brink.host": "me", ... }, createdMs }, ctx)
 * // { alive: false, why: "its brink (pid 99999999 on me) is gone" }
 */
export function judgeRun(thing: OwnedThing, ctx: LivenessContext): Liveness {
  const labels = thing.labels ?? {};
  const bound = ctx.boundMs ?? FOREIGN_RUN_BOUND_MS;
  const pid = Number(labels[LABEL_PID]);
  const host = labels[LABEL_HOST];
  const started = Date.parse(labels[LABEL_STARTED] ?? "");
  if (!Number.isInteger(pid) || pid <= 0 || !host || Number.isNaN(started)) {
    const age = ctx.now - thing.createdMs;
    return age > bound
      ? { alive: false, why: `no owner labels and created ${hours(age)} ago` }
      : { alive: true, why: "no owner labels (an older brink): kept until a day old" };
  }
  if (host !== ctx.host) {
    const age = ctx.now - started;
    return age > bound
      ? { alive: false, why: `its brink on ${host} started ${hours(age)} ago` }
      : { alive: true, why: `its brink runs on ${host}, started ${hours(age)} ago` };
  }
  const start = ctx.startOf(pid);
  if (start === null) return { alive: false, why: `its brink (pid ${pid} on ${host}) is gone` };
  if (start === undefined) return { alive: true, why: `pid ${pid} runs (its start is unknown)` };
  if (Math.abs(start - started) > SAME_START_MS) {
    return { alive: false, why: `its brink (pid ${pid} on ${host}) is gone; the pid is reused` };
  }
  return { alive: true, why: `its brink (pid ${pid} on ${host}) is running` };
}
