import { splitCommand } from "@brink/probes/host";
import type { Limits } from "../engine/container-spec.ts";
import type { ProjectAccess } from "../engine/project-access.ts";
import type { EngineSession } from "../engine/session.ts";
import { BrinkError } from "../errors.ts";
import {
  belowOf,
  type FenceReport,
  GRACEFUL,
  type SqueezeTry,
  tryRecord,
} from "../report/squeeze-report.ts";
import {
  checkLimits,
  formatFence,
  niceUp,
  SCALES,
  type SqueezeFence,
  tryLimits,
} from "./squeeze-fences.ts";
import { type SearchResult, searchCliff } from "./squeeze-search.ts";
import { runTry } from "./squeeze-try.ts";

/** Everything a squeeze needs; `brink squeeze` flags produce one. */
export interface SqueezePlan {
  command: string[];
  /** The check command line (no shell: quotes group). */
  check?: string;
  fences: SqueezeFence[];
  ranges: Record<SqueezeFence, { low: number; high: number }>;
  /** The fences every try has, but the one squeezed. */
  limits: Limits;
  repeat: number;
  /** 0.25 for 25%. */
  headroom: number;
  /** --timeout; null: 30 s at first, then 10 times what the command took at the top of the range (5 to 30 s). */
  timeoutMs: number | null;
  concurrency: number;
  project: string;
  writableProject?: boolean;
}

/** Per-try timeout before anything is known, and the bounds of the one derived after. */
export const FIRST_TIMEOUT_MS = 30_000;
const DERIVED_MIN_MS = 5_000;

const STOPPED: SearchResult = {
  threshold: null,
  below: null,
  passesAtLow: false,
  failsAtHigh: false,
  flaky: false,
  stopped: "interrupted",
};

/** Runs `fn` with at most `n` at once across every caller. */
function limiter(n: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

/** A usage-reader number, when it is one that can steer the search (a hint, not a verdict). */
function hintFrom(usage: string | null, fence: SqueezeFence, high: number): number | null {
  if (!usage) return null;
  let u: Record<string, unknown>;
  try {
    u = JSON.parse(usage.trim().split("\n").pop() ?? "");
  } catch {
    return null;
  }
  const raw =
    fence === "memory"
      ? u.memoryPeak
      : fence === "disk"
        ? u.scratchUsed
        : fence === "pids" && typeof u.pidsPeak === "number"
          ? u.pidsPeak - 1 // the holder's own task
          : null;
  return typeof raw === "number" && Number.isFinite(raw) && raw > 0 && raw < high ? raw : null;
}

/** One line for people about a fence's answer. */
function summaryOf(
  fence: SqueezeFence,
  r: SearchResult,
  below: FenceReport["below"],
  range: { low: number; high: number },
  tries: number,
): string {
  const f = (v: number) => formatFence(fence, v);
  const how = below
    ? `${below.outcome} (${GRACEFUL.includes(below.outcome) ? "graceful" : "not graceful"})`
    : "";
  const flaky = r.flaky ? "; flaky: some value both passed and failed" : "";
  if (r.stopped === "interrupted") return `stopped after ${tries} tries, before an answer`;
  if (r.failsAtHigh) return `fails even at ${f(range.high)}, the top of the range: ${how}${flaky}`;
  if (r.passesAtLow)
    return `not limiting within ${f(range.low)}..${f(range.high)}: passes at ${f(range.low)}${flaky}`;
  if (r.threshold === null) return `no stable answer after ${tries} tries${flaky}`;
  return `needs ${f(r.threshold)}; just below, at ${below ? f(below.value) : "?"}: ${how}${flaky}`;
}

/**
 * Squeezes each fence of the plan (all at once, `concurrency` containers in all): for each,
 * `searchCliff` over its range, every try a fresh container (`runTry`); the first try at the
 * top of the range also reads what the command used, which steers the first round. Tries
 * arrive through `onTry` as they end. Stops early (tries so far kept) when `signal` aborts
 * or a try fails on the engine (`failure`: the first such error).
 *
 * @example
 * const { fences, runs } = await runSqueeze(session, access, plan, scope.signal, (f, t) => log(f, t));
 */
export async function runSqueeze(
  session: EngineSession,
  access: ProjectAccess,
  plan: SqueezePlan,
  signal: AbortSignal,
  onTry: (fence: SqueezeFence, t: SqueezeTry) => void,
): Promise<{
  fences: Partial<Record<SqueezeFence, FenceReport>>;
  runs: number;
  failure: unknown;
}> {
  const slot = limiter(plan.concurrency);
  // One fence's engine failure stops the others; what each had is still reported.
  const inner = new AbortController();
  const follow = () => inner.abort(signal.reason);
  signal.addEventListener("abort", follow, { once: true });
  if (signal.aborted) follow();
  let failure: unknown = null;
  const check = plan.check ? splitCommand(plan.check) : undefined;
  let runs = 0;
  const fences: Partial<Record<SqueezeFence, FenceReport>> = {};
  const squeezeOne = async (fence: SqueezeFence) => {
    const scale = SCALES[fence];
    const range = plan.ranges[fence];
    const tries: SqueezeTry[] = [];
    let usage: string | null = null;
    let timeoutMs = plan.timeoutMs ?? FIRST_TIMEOUT_MS;
    const tryValue = (value: number) =>
      slot(async () => {
        if (inner.signal.aborted) return null;
        const limits = tryLimits(plan.limits, fence, value);
        const first = value === range.high && !tries.some((t) => t.value === range.high);
        runs++;
        const end = await runTry(
          session.docker,
          {
            image: access.image,
            runId: session.runId,
            command: plan.command,
            check,
            limits,
            checkLimits: checkLimits(plan.limits, limits),
            timeoutMs,
            project: access.project,
            projectWritable: access.writable,
            user: access.user,
            readUsage: first,
            labels: { "dev.brink.squeeze": fence },
          },
          inner.signal,
        ).catch((e) => {
          if (!(e instanceof BrinkError) || e.code !== "ENGINE_REFUSED") throw e;
          throw new BrinkError(
            "ENGINE_REFUSED",
            `${e.message} (trying ${fence} ${formatFence(fence, value)}; if that is too little for a container to start at all, raise the range: --range ${fence}=LOW..HIGH)`,
            { cause: e },
          );
        });
        if (!end) return null;
        const t = tryRecord(value, end);
        if (first) {
          usage = end.usage;
          if (plan.timeoutMs === null && t.outcome === "pass")
            timeoutMs = Math.min(FIRST_TIMEOUT_MS, Math.max(DERIVED_MIN_MS, 10 * t.durationMs));
        }
        tries.push(t);
        onTry(fence, t);
        return t.outcome === "pass";
      });
    const r = await searchCliff(
      {
        low: range.low,
        high: range.high,
        grid: scale.grid,
        step: scale.step,
        concurrency: plan.concurrency,
        repeat: plan.repeat,
        hintBelow: fence === "memory" ? 0.15 : 0,
      },
      tryValue,
      () => hintFrom(usage, fence, range.high),
    ).catch((e): SearchResult => {
      failure ??= e;
      inner.abort(String((e as Error)?.message ?? e));
      return { ...STOPPED };
    });
    const belowValue = r.failsAtHigh ? range.high : r.below;
    const below = belowValue === null ? null : belowOf(tries, belowValue);
    fences[fence] = {
      limiting: tries.some((t) => t.outcome !== "pass"),
      threshold: r.threshold,
      recommended:
        r.threshold === null ? null : niceUp(r.threshold * (1 + plan.headroom), scale.unit),
      below,
      graceful: below === null || GRACEFUL.includes(below.outcome),
      flaky: r.flaky,
      range,
      summary: summaryOf(fence, r, below, range, tries.length),
      tries,
      fences: plan.limits,
    };
  };
  await Promise.all(plan.fences.map(squeezeOne));
  signal.removeEventListener("abort", follow);
  // In the plan's order, whichever ended first.
  const ordered: typeof fences = {};
  for (const f of plan.fences) if (fences[f]) ordered[f] = fences[f];
  return { fences: ordered, runs, failure };
}
