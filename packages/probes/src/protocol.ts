import type { ContainerInfo, FenceSummary, Fences } from "@brink/guard";
import {
  CATEGORIES,
  type Category,
  type Expectation,
  type Observed,
  type Status,
} from "./probe.ts";

/** One probe's result, as the runner sends it and the reports hold it. */
export interface ProbeResult {
  id: string;
  category: Category;
  title: string;
  status: Status;
  expected: Expectation;
  durationMs: number;
  message: string;
  fence: FenceSummary;
  observed: Observed;
  /** The end of what the probe's process printed (stdout and stderr), when it did not pass. */
  log?: string;
}

/** What the host learns of a suite's probes without running their code itself. */
export interface ProbeMeta {
  id: string;
  category: Category;
  title: string;
  expected: Expectation;
  /** The probe's own timeout, when it set one. */
  timeoutMs?: number;
  /** The suite file it comes from (inside the container); absent for the built-in suite. */
  suite?: string;
}

/** The runner protocol: events on the authenticated channel (see channel.ts). */
export type RunnerEvent =
  | { event: "fence"; fences: Fences; fence: FenceSummary; container: ContainerInfo; bun: string }
  | { event: "start"; id: string; timeoutMs: number }
  | ({ event: "result" } & ProbeResult)
  | { event: "refused"; code: string; message: string }
  | { event: "probes"; probes: ProbeMeta[] }
  | { event: "bad-suite"; message: string }
  | { event: "done"; total: number };

const STATUSES: Status[] = ["pass", "fail", "error", "skip", "killed"];
const FENCES = ["memory", "disk", "stack", "nofile", "pids", "cpus"];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = 100_000): v is string => typeof v === "string" && v.length <= max;
const isCount = (v: unknown): v is number =>
  typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 1e12;
const isCategory = (v: unknown): v is Category => CATEGORIES.includes(v as Category);
const isExpected = (v: unknown): v is Expectation => v === "graceful" || v === "killed";
const isId = (v: unknown): v is string =>
  isStr(v, 200) && /^[a-z0-9]+\.[a-z0-9][a-z0-9.-]*$/.test(v);

function isFenceSummary(v: unknown): v is FenceSummary {
  return isObj(v) && FENCES.every((k) => v[k] === null || isCount(v[k]));
}

function resultProblem(v: Obj): string | null {
  if (!isId(v.id)) return "a result without a valid id";
  if (!isCategory(v.category)) return `result ${v.id}: category is not one of ${CATEGORIES}`;
  if (!STATUSES.includes(v.status as Status)) return `result ${v.id}: unknown status`;
  if (!isExpected(v.expected)) return `result ${v.id}: expected is not graceful or killed`;
  if (!isStr(v.title, 1000) || !isStr(v.message)) return `result ${v.id}: title or message`;
  if (!isCount(v.durationMs)) return `result ${v.id}: durationMs`;
  if (!isFenceSummary(v.fence)) return `result ${v.id}: fence`;
  if (!isObj(v.observed)) return `result ${v.id}: observed is not an object`;
  if (v.log !== undefined && !isStr(v.log)) return `result ${v.id}: log`;
  return null;
}

function metaProblem(v: unknown): string | null {
  if (!isObj(v) || !isId(v.id)) return "a probe without a valid id";
  if (!isCategory(v.category) || !isExpected(v.expected) || !isStr(v.title, 1000))
    return `probe ${v.id}: category, expected or title`;
  if (v.timeoutMs !== undefined && !(isCount(v.timeoutMs) && v.timeoutMs >= 1))
    return `probe ${v.id}: timeoutMs`;
  if (v.suite !== undefined && !isStr(v.suite, 4096)) return `probe ${v.id}: suite`;
  return null;
}

/**
 * Checks an event against its schema. Returns the event, or why it is not one; never
 * throws. The host believes nothing a container sends before this.
 *
 * @example
 * const e = validateEvent({ event: "start", id: "fd.x", timeoutMs: 5 }); // the event
 * validateEvent({ event: "result" }) // "a result without a valid id"
 */
export function validateEvent(v: unknown): RunnerEvent | string {
  if (!isObj(v) || typeof v.event !== "string") return "not an event object";
  switch (v.event) {
    case "fence":
      return isFenceSummary(v.fence) && isObj(v.fences) && isObj(v.container) && isStr(v.bun, 100)
        ? (v as RunnerEvent)
        : "a fence event without its fences";
    case "start":
      return isId(v.id) && isCount(v.timeoutMs) ? (v as RunnerEvent) : "a start event";
    case "result":
      return resultProblem(v) ?? (v as RunnerEvent);
    case "refused":
      return isStr(v.code, 100) && isStr(v.message) ? (v as RunnerEvent) : "a refused event";
    case "probes": {
      if (!Array.isArray(v.probes) || v.probes.length > 100_000) return "a probes event";
      for (const p of v.probes) {
        const problem = metaProblem(p);
        if (problem) return problem;
      }
      return v as RunnerEvent;
    }
    case "bad-suite":
      return isStr(v.message) ? (v as RunnerEvent) : "a bad-suite event";
    case "done":
      return isCount(v.total) ? (v as RunnerEvent) : "a done event";
    default:
      return `unknown event "${String(v.event).slice(0, 40)}"`;
  }
}
