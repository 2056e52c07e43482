import type { ProbeResult } from "@brink/probes/host";

/** One recovery time: a result whose probe recorded `observed.recoveryMs`. */
export interface RecoveryTime {
  category: string;
  id: string;
  /** ms from releasing the pressure to the first operation that worked; null: none did. */
  recoveryMs: number | null;
}

/**
 * The recovery times of some results, in their order: each result whose `observed` has a
 * `recoveryMs` that is a finite number ≥ 0 (rounded) or null (it never recovered).
 *
 * @example
 * recoveryTimes(report.results) // [{ category: "fd", id: "fd.recovery-after-close", recoveryMs: 1 }]
 */
export function recoveryTimes(results: readonly ProbeResult[]): RecoveryTime[] {
  const out: RecoveryTime[] = [];
  for (const r of results) {
    const o = r?.observed;
    if (typeof o !== "object" || o === null || !("recoveryMs" in o)) continue;
    const ms = (o as { recoveryMs: unknown }).recoveryMs;
    if (ms === null) out.push({ category: r.category, id: r.id, recoveryMs: null });
    else if (typeof ms === "number" && Number.isFinite(ms) && ms >= 0)
      out.push({ category: r.category, id: r.id, recoveryMs: Math.round(ms) });
  }
  return out;
}

/**
 * A category's recovery times as a few words for the terminal: "recovered in 14 ms", or
 * several: "recovered in 3 ms, 40 ms"; "did not recover" for a null; "" for none.
 *
 * @example
 * recoveryWords([{ category: "fd", id: "fd.recovery-after-close", recoveryMs: 1 }]) // "recovered in 1 ms"
 */
export function recoveryWords(times: readonly RecoveryTime[]): string {
  if (!times.length) return "";
  if (times.some((t) => t.recoveryMs === null)) return "did not recover";
  return `recovered in ${times.map((t) => `${t.recoveryMs} ms`).join(", ")}`;
}
