import type { Limits } from "../engine/container-spec.ts";
import { signalOfExit } from "../engine/run-container.ts";
import type { SqueezeFence } from "../orchestrate/squeeze-fences.ts";
import type { TryEnd } from "../orchestrate/squeeze-try.ts";

/**
 * How one try ended. `not-started`: the engine could not start the command under that
 * fence (exit 126/127 from its exec, e.g. runc's init failing when pids ran out): the
 * program never had a chance to fail gracefully.
 */
export type SqueezeOutcome =
  | "pass"
  | "oom-killed"
  | "error-exit"
  | "signal"
  | "corrupted"
  | "hung"
  | "not-started";

/** Outcomes that are a graceful way to fail: the program said so and left its data whole. */
export const GRACEFUL: readonly SqueezeOutcome[] = ["error-exit"];

/** The order a fence's worst failure is picked in (most telling first). */
const SEVERITY: readonly SqueezeOutcome[] = [
  "corrupted",
  "oom-killed",
  "signal",
  "hung",
  "not-started",
  "error-exit",
  "pass",
];

/** One run of the command at one value of a fence. */
export interface SqueezeTry {
  value: number;
  outcome: SqueezeOutcome;
  exitCode: number | null;
  /** The signal the exit code means (128 + n), when it names one. */
  signal: string | null;
  /** The engine's OOMKilled for the try's container (any process in it). */
  oomKilled: boolean;
  durationMs: number;
  /** The end of the command's stderr (its stdout when stderr is empty): shown, never judged. */
  stderr: string;
  check: { exitCode: number | null; timedOut: boolean; output: string } | null;
}

/** How the command fails just below its cliff. */
export interface SqueezeBelow {
  value: number;
  outcome: SqueezeOutcome;
  exitCode: number | null;
  signal: string | null;
  oomKilled: boolean;
  /** What makes the outcome: e.g. "exit 137 and the engine's OOMKilled". */
  evidence: string;
  stderr: string;
}

/** One fence's answer. */
export interface FenceReport {
  /** Some value in the range made the command fail. */
  limiting: boolean;
  /** The smallest value at which every try passed; null when none was found. */
  threshold: number | null;
  /** threshold plus the headroom, rounded up the way limits are written. */
  recommended: number | null;
  below: SqueezeBelow | null;
  /** Failing below the cliff the way a program should: `below` is graceful (or nothing failed). */
  graceful: boolean;
  flaky: boolean;
  range: { low: number; high: number };
  /** One line for people: "needs 68m; just below: oom-killed". */
  summary: string;
  tries: SqueezeTry[];
  /** The fences each try ran under, but this one. */
  fences: Limits;
}

/** `brink squeeze --json` (version 1; docs/squeeze.md). */
export interface SqueezeReport {
  version: 1;
  command: string[];
  check: string | null;
  startedAt: string;
  durationMs: number;
  repeat: number;
  headroom: number;
  fences: Partial<Record<SqueezeFence, FenceReport>>;
  /** Container runs in all. */
  runs: number;
  incomplete?: string;
}

/**
 * Classifies a try from what the engine said: past the timeout is `hung`; exit 137 with the
 * engine's OOMKilled is `oom-killed`; 126/127 (the exec could not start it) `not-started`;
 * another 128 + signal code `signal`; then a failing
 * check is `corrupted`, exit 0 `pass`, anything else `error-exit`. The command's output is
 * never read for it.
 *
 * @example
 * classifyTry({ command: { exitCode: 137, timedOut: false, ... }, oomKilled: true, check: null, usage: null }) // "oom-killed"
 */
export function classifyTry(end: TryEnd): SqueezeOutcome {
  const c = end.command;
  if (c.timedOut) return "hung";
  // 126/127 come from the engine's exec itself: the command could not be started there.
  if (c.exitCode === 126 || c.exitCode === 127) return "not-started";
  if (c.exitCode === 137 && end.oomKilled) return "oom-killed";
  if (signalOfExit(c.exitCode)) return "signal";
  if (end.check && (end.check.timedOut || end.check.exitCode !== 0)) return "corrupted";
  return c.exitCode === 0 ? "pass" : "error-exit";
}

/**
 * The record of a try for the report.
 *
 * @example
 * const t = tryRecord(71303168, end);
 */
export function tryRecord(value: number, end: TryEnd): SqueezeTry {
  const c = end.command;
  return {
    value,
    outcome: classifyTry(end),
    exitCode: c.exitCode,
    signal: c.timedOut ? null : signalOfExit(c.exitCode),
    oomKilled: end.oomKilled,
    durationMs: c.durationMs,
    stderr: (c.stderr.trim() ? c.stderr : c.stdout).slice(-1000),
    check: end.check
      ? {
          exitCode: end.check.exitCode,
          timedOut: end.check.timedOut,
          output: `${end.check.stdout}${end.check.stderr}`.slice(-1000),
        }
      : null,
  };
}

/** Why a try got its outcome, in words. */
export function evidenceOf(t: SqueezeTry): string {
  switch (t.outcome) {
    case "oom-killed":
      return "exit 137 (SIGKILL) and the engine's OOMKilled for its container";
    case "signal":
      return `exit ${t.exitCode} (${t.signal})${t.exitCode === 137 ? " without an OOM kill the engine saw" : ""}`;
    case "hung":
      return "ran past --timeout; its container was killed";
    case "corrupted": {
      const said = t.check?.output.trim().split("\n").at(-1)?.slice(0, 160);
      return `the check failed (${t.check?.timedOut ? "timed out" : `exit ${t.check?.exitCode}`}${said ? `: ${said}` : ""}) after it exited ${t.exitCode}`;
    }
    case "error-exit":
      return `exit ${t.exitCode}${t.oomKilled ? "; the engine saw an OOM kill in its container (a child of it?)" : ""}`;
    case "not-started":
      return `exit ${t.exitCode} from the engine's exec: the command could not be started under this fence`;
    default:
      return `exit ${t.exitCode}`;
  }
}

/**
 * The worst way the command failed at `value` (see SEVERITY), or null when it never failed there.
 *
 * @example
 * belowOf(tries, 70254592)?.outcome // "oom-killed"
 */
export function belowOf(tries: readonly SqueezeTry[], value: number): SqueezeBelow | null {
  const failed = tries.filter((t) => t.value === value && t.outcome !== "pass");
  const worst = failed.sort((a, b) => SEVERITY.indexOf(a.outcome) - SEVERITY.indexOf(b.outcome))[0];
  if (!worst) return null;
  return {
    value,
    outcome: worst.outcome,
    exitCode: worst.exitCode,
    signal: worst.signal,
    oomKilled: worst.oomKilled,
    evidence: evidenceOf(worst),
    stderr: worst.stderr,
  };
}

/** True when the fence passes the run: graceful below its cliff, or not limiting; and an answer was found. */
export function fenceOk(f: FenceReport): boolean {
  return f.graceful && (f.threshold !== null || !f.limiting);
}

/** 0 when every fence squeezed ends graceful below its cliff (or is not limiting), else 1. */
export function squeezeExitCode(report: SqueezeReport): 0 | 1 {
  const fences = Object.values(report.fences);
  return fences.length > 0 && fences.every(fenceOk) ? 0 : 1;
}
