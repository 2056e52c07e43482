/** How the search for one fence's cliff proceeds: the range, the grid, the resolution. */
export interface SearchSpec {
  low: number;
  high: number;
  /** Every value tried is a multiple of this. */
  grid: number;
  /** Done when the passing and failing values are at most this far apart (at `v`). */
  step(v: number): number;
  /** Values tried at once. */
  concurrency: number;
  /** Tries a value needs, all passing, to count as passing. */
  repeat: number;
  /** Where the first hint puts the need: from hint * (1 - below) up to the hint. */
  hintBelow?: number;
  /** Stop after this many tries (a program too flaky to pin down). */
  maxTries?: number;
}

/** The search's answer, in values; the caller keeps the tries themselves. */
export interface SearchResult {
  /** The smallest value whose tries all passed (`repeat` of them) with a failing value within a step below; null when none. */
  threshold: number | null;
  /** The largest value with a failing try: just below the cliff. */
  below: number | null;
  /** Passed `repeat` times at `low`: the fence does not limit it within the range. */
  passesAtLow: boolean;
  /** Failed at `high`: the fence limits it everywhere in the range. */
  failsAtHigh: boolean;
  /** A value both passed and failed, or passed below one that failed. */
  flaky: boolean;
  /** The search ended early: interrupted (a try gave null) or out of tries. */
  stopped: "interrupted" | "max-tries" | null;
}

/** One try: true when it passed, null when it was interrupted. */
export type TryValue = (value: number) => Promise<boolean | null>;

type Tally = Map<number, { pass: number; fail: number }>;

/** Values strictly inside (lo, hi) on the grid, `k` of them spread evenly: by ratio when hi/lo >= 2, else by difference. */
export function spread(lo: number, hi: number, k: number, grid: number): number[] {
  const out = new Set<number>();
  const geometric = lo > 0 && hi / lo >= 2;
  for (let i = 1; i <= k; i++) {
    const x = geometric ? lo * (hi / lo) ** (i / (k + 1)) : lo + ((hi - lo) * i) / (k + 1);
    let v = Math.round(x / grid) * grid;
    if (v <= lo) v = Math.ceil((lo + 1) / grid) * grid;
    if (v >= hi) v = Math.floor((hi - 1) / grid) * grid;
    if (v > lo && v < hi) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/** `k` values from hint * (1 - below) (at least a step under the hint) up to the hint, inside (lo, hi). */
export function hinted(
  lo: number,
  hi: number,
  hint: number,
  k: number,
  spec: Pick<SearchSpec, "grid" | "step" | "hintBelow">,
): number[] {
  const top = Math.ceil(hint / spec.grid) * spec.grid;
  if (!(top > lo && top < hi)) return [];
  const bottom = Math.max(
    lo + spec.grid,
    Math.floor((hint - Math.max(spec.step(hint), hint * (spec.hintBelow ?? 0))) / spec.grid) *
      spec.grid,
  );
  if (k < 2 || bottom >= top) return [top];
  return [...new Set([bottom, ...spread(bottom, top, k - 2, spec.grid), top])].sort(
    (a, b) => a - b,
  );
}

/** The tally's current bracket: the largest failing value and the smallest all-passing value above it. */
function bracket(tally: Tally) {
  let lo: number | null = null;
  for (const [v, t] of tally) if (t.fail > 0 && (lo === null || v > lo)) lo = v;
  let hi: number | null = null;
  for (const [v, t] of tally)
    if (t.pass > 0 && t.fail === 0 && (lo === null || v > lo) && (hi === null || v < hi)) hi = v;
  return { lo, hi };
}

/** A value that both passed and failed, or one that passed below a failing one. */
function isFlaky(tally: Tally, lo: number | null): boolean {
  for (const [v, t] of tally) {
    if (t.pass > 0 && t.fail > 0) return true;
    if (lo !== null && v < lo && t.pass > 0) return true;
  }
  return false;
}

/**
 * Finds the smallest value at which a command passes: tries `high` and `low` first, then
 * narrows (lo, hi) with `concurrency` values a round (by ratio while the interval spans a
 * factor of two, then evenly), starting near `hint()` when it gives one. A single pass only
 * moves the bracket; before it is the answer, the value is tried until it has `repeat`
 * passes, and the value just below it is tried as often (how it fails there is the verdict).
 * A failure among them makes the program flaky there and the search goes on above it, from
 * then on trying each value `repeat` times at once.
 *
 * @example
 * const r = await searchCliff({ low: 8, high: 1024, grid: 1, step: () => 1, concurrency: 2, repeat: 2 }, async (v) => v >= 70);
 * r.threshold // 70
 */
export async function searchCliff(
  spec: SearchSpec,
  tryValue: TryValue,
  hint: () => number | null = () => null,
): Promise<SearchResult> {
  const tally: Tally = new Map();
  const maxTries = spec.maxTries ?? 60;
  let tries = 0;
  let stopped: SearchResult["stopped"] = null;
  const done = (threshold: number | null, extra: Partial<SearchResult> = {}): SearchResult => {
    const { lo } = bracket(tally);
    return {
      threshold,
      below: lo,
      passesAtLow: false,
      failsAtHigh: false,
      flaky: isFlaky(tally, lo),
      stopped,
      ...extra,
    };
  };
  /** Runs `values` (repeats allowed), `concurrency` at once; false when interrupted or out of tries. */
  const run = async (values: number[]) => {
    let next = 0;
    const worker = async () => {
      while (next < values.length && !stopped) {
        if (tries >= maxTries) {
          stopped = "max-tries";
          return;
        }
        const v = values[next++] as number;
        tries++;
        const passed = await tryValue(v);
        if (passed === null) {
          stopped = "interrupted";
          return;
        }
        const t = tally.get(v) ?? { pass: 0, fail: 0 };
        if (passed) t.pass++;
        else t.fail++;
        tally.set(v, t);
      }
    };
    await Promise.all(Array.from({ length: Math.min(spec.concurrency, values.length) }, worker));
    return !stopped;
  };
  const count = (v: number) => {
    const t = tally.get(v);
    return t ? t.pass + t.fail : 0;
  };
  const allPass = (v: number) => {
    const t = tally.get(v);
    return !!t && t.fail === 0 && t.pass >= spec.repeat;
  };

  if (!(await run([spec.high, spec.low]))) return done(null);
  if (tally.get(spec.high)?.fail) return done(null, { failsAtHigh: true });
  if (tally.get(spec.low)?.pass) {
    if (!(await run(Array(spec.repeat - 1).fill(spec.low)))) return done(null);
    if (allPass(spec.low)) return done(null, { passesAtLow: true, below: null });
  }
  let first = hint();
  for (;;) {
    const { lo, hi } = bracket(tally);
    if (hi === null) return done(null, { failsAtHigh: true });
    if (lo === null) return done(null, { passesAtLow: true });
    if (hi - lo > spec.step(hi)) {
      // Once the program has shown it is flaky, a single pass proves little: each value
      // gets its repeats at once, so a lucky run cannot steer the search.
      const sure = spec.repeat > 1 && isFlaky(tally, lo);
      const k = sure ? Math.max(1, Math.floor(spec.concurrency / spec.repeat)) : spec.concurrency;
      const values =
        first !== null && Number.isFinite(first)
          ? hinted(lo, hi, first, k, spec)
          : spread(lo, hi, k, spec.grid);
      first = null;
      const fresh = values.filter((v) => count(v) === 0);
      if (fresh.length) {
        const runs = sure ? fresh.flatMap((v) => Array(spec.repeat).fill(v)) : fresh;
        if (!(await run(runs))) return done(null);
        continue;
      }
    }
    // Converged (or no grid value is left between): make sure of both sides of the cliff.
    const more = [
      ...Array(Math.max(0, spec.repeat - count(hi))).fill(hi),
      ...Array(Math.max(0, spec.repeat - count(lo))).fill(lo),
    ];
    if (!more.length) return done(allPass(hi) ? hi : null);
    if (!(await run(more))) return done(null);
  }
}
