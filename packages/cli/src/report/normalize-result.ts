import { NO_FENCES } from "@brink/guard";
import type { Category, Expectation, Observed, ProbeResult, Status } from "@brink/probes/host";
import { clip, jsonSafe, nonNegative, toText } from "./text.ts";

/** The statuses brink knows; any other counts as `error`. */
export const STATUSES: readonly Status[] = ["pass", "fail", "error", "skip", "killed"];

/** A status brink knows, or `error` for anything else (never `pass`). */
export function knownStatus(s: unknown): Status {
  return STATUSES.includes(s as Status) ? (s as Status) : "error";
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function observedOf(v: unknown): Observed {
  const safe = jsonSafe(v);
  if (safe === undefined || safe === null) return {};
  return isRecord(safe) ? safe : { value: safe };
}

/**
 * A result as the JSON report holds it, whatever the probe or the protocol handed over:
 * text fields coerced to text, `durationMs` a finite non-negative number, `fence` and
 * `observed` JSON-safe objects (BigInt, cycles, depth bounded), and a status brink does not
 * know turned into `error` with the status named in the message. Fields it does not know
 * are kept (JSON-safe).
 *
 * @example
 * normalizeResult({ id: "fd.x", status: "ok", message: 3 }).status // "error"
 */
export function normalizeResult(r: unknown): ProbeResult {
  const o = isRecord(r) ? r : {};
  const safe = jsonSafe(o);
  const extra = isRecord(safe) ? safe : {};
  const status = knownStatus(o.status);
  const message = toText(o.message);
  const unknown =
    status === o.status
      ? null
      : `status ${JSON.stringify(clip(toText(o.status), 40))} is not one brink knows (pass, fail, error, skip, killed)`;
  const fence = jsonSafe(o.fence);
  return {
    ...extra,
    id: toText(o.id),
    category: toText(o.category) as Category,
    title: toText(o.title),
    status,
    expected: (o.expected === "killed"
      ? "killed"
      : toText(o.expected) || "graceful") as Expectation,
    durationMs: nonNegative(o.durationMs),
    message: unknown ? (message ? `${unknown}: ${message}` : unknown) : message,
    fence: (isRecord(fence) ? fence : { ...NO_FENCES }) as ProbeResult["fence"],
    observed: observedOf(o.observed),
  };
}

/** What the plan knew of a probe before it ran (a `ProbeInfo` fits). */
export interface PlannedProbe {
  id: string;
  category: Category;
  title: string;
  expected: Expectation;
}

/** Probes that were planned but never reported, and why (e.g. "interrupted by SIGINT"). */
export interface NotRun {
  probes: readonly PlannedProbe[];
  why: string;
}

/**
 * An `error` result for every planned probe with no result among `results`, so that every
 * planned probe appears in the reports and is counted: message `not run: <why>`,
 * `observed: { notRun: true }`, no fence read.
 *
 * @example
 * notRunResults(results, { probes, why: "the engine was lost" })
 */
export function notRunResults(results: readonly ProbeResult[], notRun: NotRun): ProbeResult[] {
  const have = new Set(results.map((r) => r.id));
  const why = toText(notRun.why) || "no result arrived";
  const out: ProbeResult[] = [];
  for (const p of notRun.probes) {
    const id = toText(p.id);
    if (have.has(id)) continue;
    have.add(id);
    out.push(
      normalizeResult({
        id,
        category: p.category,
        title: p.title,
        status: "error",
        expected: p.expected,
        durationMs: 0,
        message: `not run: ${why}`,
        fence: { ...NO_FENCES },
        observed: { notRun: true },
      }),
    );
  }
  return out;
}

/**
 * A report's results, each normalized (`normalizeResult`): what every writer reads, so that
 * a writer never throws on what a result holds.
 *
 * @example
 * for (const r of resultsOf(report)) console.log(r.id);
 */
export function resultsOf(report: { results?: unknown }): ProbeResult[] {
  return Array.isArray(report.results) ? report.results.map(normalizeResult) : [];
}
