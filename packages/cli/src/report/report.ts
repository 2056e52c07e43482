import type { ProbeResult, Status } from "@brink/probes/host";
import { knownStatus, type NotRun, normalizeResult, notRunResults } from "./normalize-result.ts";
import { type RecoveryTime, recoveryTimes } from "./recovery.ts";
import { nonNegative, toText } from "./text.ts";

export type { NotRun, PlannedProbe } from "./normalize-result.ts";

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
  /** Each recovery probe's time, from its `observed.recoveryMs` (see `recoveryTimes`). */
  recovery: RecoveryTime[];
  /** Set when the run did not finish (interrupted, engine lost). */
  incomplete?: string;
}

/**
 * Counts results by status; a status brink does not know counts as `error`, never `pass`.
 *
 * @example
 * summarize([{ ...r, status: "ok" }]).error // 1
 */
export function summarize(results: readonly ProbeResult[]): Report["summary"] {
  const s = { total: results.length, pass: 0, fail: 0, error: 0, skip: 0, killed: 0 };
  for (const r of results) s[knownStatus(r?.status)]++;
  return s;
}

/**
 * 0 when every probe passed or was skipped, else 1 (DESIGN.md exit codes): fail, error,
 * killed and any status brink does not know are 1.
 *
 * @example
 * exitCodeOf([{ ...r, status: "skip" }]) // 0
 */
export function exitCodeOf(results: readonly ProbeResult[]): 0 | 1 {
  return results.some((r) => r?.status !== "pass" && r?.status !== "skip") ? 1 : 0;
}

/** What `buildReport` takes. */
export type ReportInput = Omit<Report, "version" | "tool" | "summary" | "recovery"> & {
  toolVersion: string;
  /** Planned probes with no result among `results` become `error` results "not run: <why>". */
  notRun?: NotRun;
};

/**
 * Builds the JSON report of a run. Every result is normalized (`normalizeResult`: text
 * fields as text, JSON-safe `observed`, an unknown status as `error`), and with `notRun`
 * every planned probe that has no result is added as an `error` "not run: <why>", so the
 * report holds and counts every planned probe.
 *
 * @example
 * const report = buildReport({ results, startedAt, durationMs, engine, toolVersion: "0.1.0",
 *   notes: [], incomplete: "interrupted by SIGINT", notRun: { probes, why: "interrupted by SIGINT" } });
 */
export function buildReport(a: ReportInput): Report {
  const { toolVersion, notRun, results: raw, startedAt, durationMs, engine, notes, incomplete } = a;
  const results = raw.map(normalizeResult);
  if (notRun) results.push(...notRunResults(results, notRun));
  return {
    version: 1,
    tool: { name: "brink", version: toolVersion },
    startedAt: toText(startedAt),
    durationMs: nonNegative(durationMs),
    engine,
    results,
    summary: summarize(results),
    notes: notes.map(toText),
    recovery: recoveryTimes(results),
    ...(incomplete === undefined ? {} : { incomplete: toText(incomplete) }),
  };
}
