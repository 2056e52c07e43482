import type { ProbeResult, Status } from "@brink/probes";

/** The JSON report, version 1 (DESIGN.md). */
export interface Report {
  version: 1;
  tool: { name: "brink"; version: string };
  startedAt: string;
  durationMs: number;
  engine: { kind: "docker"; version: string; cgroup: 1 | 2 | null };
  results: ProbeResult[];
  summary: Record<"total" | Status, number>;
  /** Things a reader should know about the fences (e.g. the disk container's memory headroom). */
  notes: string[];
  /** Set when the run did not finish (interrupted, engine lost). */
  incomplete?: string;
}

/** Counts results by status. */
export function summarize(results: ProbeResult[]): Report["summary"] {
  const s = { total: results.length, pass: 0, fail: 0, error: 0, skip: 0, killed: 0 };
  for (const r of results) s[r.status]++;
  return s;
}

/** 0 when every probe went as expected, else 1 (DESIGN.md exit codes). */
export function exitCodeOf(results: ProbeResult[]): 0 | 1 {
  return results.some((r) => r.status === "fail" || r.status === "error" || r.status === "killed")
    ? 1
    : 0;
}

/**
 * Builds the JSON report of a run.
 *
 * @example
 * const report = buildReport({ results, startedAt, durationMs, engine, version: "0.1.0", notes: [] });
 */
export function buildReport(
  a: Omit<Report, "version" | "tool" | "summary"> & { toolVersion: string },
): Report {
  const { toolVersion, ...rest } = a;
  return {
    version: 1,
    tool: { name: "brink", version: toolVersion },
    ...rest,
    summary: summarize(a.results),
  };
}
