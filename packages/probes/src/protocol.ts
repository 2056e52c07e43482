import type { ContainerInfo, FenceSummary, Fences } from "@brink/guard";
import type { Category, Expectation, Observed, Status } from "./probe.ts";

/** One probe's result, as the runner streams it and the reports hold it. */
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
}

/** The runner protocol: one JSON object a line on the container's stdout. */
export type RunnerEvent =
  | { event: "fence"; fences: Fences; fence: FenceSummary; container: ContainerInfo; bun: string }
  | { event: "start"; id: string; timeoutMs?: number }
  | ({ event: "result" } & ProbeResult)
  | { event: "refused"; code: string; message: string }
  | { event: "done"; total: number };

const EVENTS = new Set(["fence", "start", "result", "refused", "done"]);

/** Encodes an event as one line of NDJSON. */
export function encodeEvent(e: RunnerEvent): string {
  return `${JSON.stringify(e)}\n`;
}

/**
 * Parses one stdout line: an event, or null for anything else (kept as log text by the host).
 *
 * @example
 * parseEventLine('{"event":"start","id":"fd.x"}') // { event: "start", id: "fd.x" }
 * parseEventLine("hello") // null
 */
export function parseEventLine(line: string): RunnerEvent | null {
  const t = line.trim();
  if (!t.startsWith("{")) return null;
  try {
    const v = JSON.parse(t) as { event?: unknown };
    return typeof v.event === "string" && EVENTS.has(v.event) ? (v as RunnerEvent) : null;
  } catch {
    return null;
  }
}
