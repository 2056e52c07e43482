import type { ProjectAccess } from "../engine/project-access.ts";
import type { EngineSession } from "../engine/session.ts";
import { classify, type FaultSweep, notStarted, type SweepRow } from "../report/sweep-report.ts";
import { runStep, type StepResult } from "./sweep-container.ts";
import { type Fault, faultKind, faultName, PAGE, type SweepPlan } from "./sweep-plan.ts";
import { rowOf } from "./sweep-rows.ts";

export { DRIVER } from "./sweep-container.ts";
export { type Fault, faultName, type SweepPlan } from "./sweep-plan.ts";

/**
 * What a sweep has so far. `runSweep` fills it as it goes, so whatever stops the sweep (an
 * interrupt, a lost engine) the finished rows and what each fault covered are there to report.
 */
export interface SweepState {
  rows: SweepRow[];
  sweeps: Record<string, FaultSweep>;
  /** Matching calls of each fault's run with no fault, as far as known (0 when not). */
  readonly calls: Record<string, number>;
}

/** An empty state: every fault not started yet. */
export function newSweepState(plan: SweepPlan): SweepState {
  const sweeps: Record<string, FaultSweep> = Object.fromEntries(
    plan.faults.map((f) => [faultName(f), notStarted()]),
  );
  return {
    rows: [],
    sweeps,
    get calls() {
      return Object.fromEntries(Object.entries(sweeps).map(([f, s]) => [f, s.calls ?? 0]));
    },
  };
}

interface Ctx {
  session: EngineSession;
  mount: ProjectAccess;
  plan: SweepPlan;
  signal: AbortSignal;
  emit: (r: SweepRow) => void;
}

/** How a run of keys ended. */
interface KeysEnd {
  /** The first key with nothing left to fail, when one was found. */
  endAt: number | null;
  /** The first key never started. */
  next: number | null;
  /** Keys started whose step never finished (the sweep stopped under them). */
  unfinished: number[];
  error: unknown;
}

/**
 * Runs steps for `keys` (ascending) `concurrency` at a time, as a sliding window, and emits
 * their rows in key order. A step `isEnd` says has nothing to fail ends the sweep there:
 * no key after it starts, and rows after it are dropped. `first` runs before the first
 * worker takes a key (the run with no fault), in that worker's slot.
 */
async function sweepKeys(
  ctx: Ctx,
  fault: string,
  keys: number[] | ((i: number) => number | null),
  run: (k: number) => Promise<StepResult | null>,
  isEnd: (r: StepResult) => boolean,
  first?: () => Promise<void>,
  /**
   * The last key worth starting before more is known (e.g. the run with no fault made 5
   * calls: N = 6 ends the sweep, N = 7 could only matter if N = 6 failed a call). A key past
   * it waits for a step in flight to finish, then it is asked again; with nothing in flight
   * it starts. Speculation beyond the end only costs containers.
   */
  worthStarting: () => number = () => Number.POSITIVE_INFINITY,
): Promise<KeysEnd> {
  const keyAt = (i: number) => (Array.isArray(keys) ? (keys[i] ?? null) : keys(i));
  const done = new Map<number, SweepRow>();
  const started: number[] = [];
  let endAt: number | null = null;
  let error: unknown = null;
  let i = 0;
  let emitted = 0;
  let inFlight = 0;
  let settled: () => void = () => {};
  let oneSettles = new Promise<void>((r) => {
    settled = r;
  });
  const stepEnded = () => {
    settled();
    oneSettles = new Promise<void>((r) => {
      settled = r;
    });
  };
  const flush = () => {
    for (;;) {
      const k = started[emitted];
      // keys start in ascending order: past the end, nothing more is ever shown
      if (k === undefined || (endAt !== null && k >= endAt) || !done.has(k)) return;
      ctx.emit(done.get(k) as SweepRow);
      done.delete(k);
      emitted++;
    }
  };
  const worker = async () => {
    for (;;) {
      if (error || ctx.signal.aborted) return;
      const k = keyAt(i);
      if (k === null || (endAt !== null && k >= endAt)) return;
      if (k > worthStarting() && inFlight > 0) {
        await oneSettles;
        continue;
      }
      i++;
      started.push(k);
      let r: StepResult | null;
      inFlight++;
      try {
        r = await run(k);
      } catch (e) {
        error ??= e;
        return;
      } finally {
        inFlight--;
        stepEnded();
      }
      if (r === null) return;
      if (isEnd(r)) endAt = Math.min(endAt ?? k, k);
      else done.set(k, rowOf(fault, k, r, ctx.plan.timeoutMs));
      flush();
    }
  };
  const slots = Array.from({ length: Math.max(1, ctx.plan.concurrency) }, (_, s) =>
    s === 0 && first
      ? async () => {
          inFlight++;
          try {
            await first();
          } catch (e) {
            error ??= e;
          } finally {
            inFlight--;
            stepEnded();
          }
          await worker();
        }
      : worker,
  );
  await Promise.all(slots.map((w) => w()));
  // Stopped: what finished is shown in order, what did not is named.
  const unfinished: number[] = [];
  for (const k of started.slice(emitted)) {
    if (endAt !== null && k >= endAt) continue;
    const row = done.get(k);
    if (row) ctx.emit(row);
    else unfinished.push(k);
  }
  return { endAt, next: keyAt(i), unfinished, error };
}

/**
 * Writes how a run of keys ended into `st`: complete at the end it found, stopped by an
 * error or a stop; otherwise `ranOut` says (the keys ran out before an end was found).
 */
function settle(st: FaultSweep, end: KeysEnd, ctx: Ctx, ranOut: () => void): void {
  st.notRun = end.unfinished;
  if (end.endAt !== null && !end.error) {
    st.end = "complete";
    st.next = null;
  } else if (end.error || ctx.signal.aborted) {
    st.end = "stopped";
    st.next = end.next;
  } else ranOut();
}

/** The sweep of one syscall fault (errno or KILL): N = 1, 2, ... until a run has nothing left to fail, or --max. */
async function sweepCalls(ctx: Ctx, f: Fault, st: FaultSweep): Promise<void> {
  const fault = faultName(f);
  let most = 0;
  // The largest N whose run failed a call: the program got that far with no fault before it.
  let reached = 0;
  const run = async (n: number, baseline = false) => {
    const r = await runStep(ctx.session, ctx.mount, ctx.plan, { fault, n, baseline }, ctx.signal);
    if (r?.kind === "step") {
      most = Math.max(most, r.step.calls);
      if (r.step.injectedCount > 0) reached = Math.max(reached, n);
      st.threads = Math.max(st.threads ?? 0, r.step.threads);
    }
    return r;
  };
  const baseline = async () => {
    const r = await run(0, true);
    if (!r) return;
    if (r.kind === "step") {
      st.calls = r.step.calls;
      st.baseline = classify(r.step);
    } else st.baseline = r.kind === "hung" ? "hung" : "died";
  };
  const end = await sweepKeys(
    ctx,
    fault,
    (i) => (i < ctx.plan.max ? i + 1 : null),
    (n) => run(n),
    (r) => r.kind === "step" && r.step.injectedCount === 0,
    baseline,
    // Past the calls of the run with no fault (or the furthest N that still failed one), a
    // run most likely just ends the sweep: one such run at a time, not one per slot. Only
    // the speculation waits; every N still runs until one has nothing left to fail.
    () =>
      typeof st.calls === "number" ? Math.max(st.calls, reached) + 1 : Number.POSITIVE_INFINITY,
  );
  st.calls ??= most || null;
  settle(st, end, ctx, () => {
    if (st.calls !== null && ctx.plan.max >= st.calls) {
      // N counts a thread's calls: past the whole run's count there is nothing left to fail.
      st.end = "complete";
      st.next = null;
    } else {
      st.end = "max";
      st.next = ctx.plan.max + 1;
    }
  });
  if (st.end === "complete" && !reached && (most === 0 || st.calls === 0)) {
    // Nothing failed because nothing matched: say so, and the likeliest why.
    const paths = ctx.plan.paths;
    const call = `${fault.split(":")[0]} call${paths.length ? ` on ${paths.join(", ")}` : ""}`;
    const clean = st.baseline === "handled" || st.baseline === "reported";
    st.note = clean
      ? `no run made a matching ${call}, so nothing was swept${paths.length ? "; --path must name the file the calls are made on (for a save through a temporary file and a rename, the temporary file)" : ""}`
      : `no run made a matching ${call}, so nothing was swept: the run with no fault ${st.baseline ?? "did not report"} before making one`;
  }
  if (end.error) throw end.error;
}

/**
 * The sweep of disk:full: a run with no fault says how many bytes the command writes; then
 * K = 0, step, 2 step, ... bytes free until a run where no write fell short or failed (the
 * disk no longer ran out: it ends the sweep, as a run with no call left to fail does), the
 * disk's own size, or --max runs.
 */
async function sweepDisk(ctx: Ctx, f: Fault, st: FaultSweep): Promise<void> {
  const fault = faultName(f);
  const step = ctx.plan.step ?? PAGE;
  const run = (n: number, baseline = false) =>
    runStep(ctx.session, ctx.mount, ctx.plan, { fault, n, baseline }, ctx.signal);
  const base = await run(0, true);
  if (!base) return;
  if (base.kind !== "step") {
    st.baseline = base.kind === "hung" ? "hung" : "died";
    st.end = "not-run";
    st.note = `the run with no fault ${st.baseline}, so the bytes the command writes are unknown`;
    return;
  }
  st.baseline = classify(base.step);
  st.calls = base.step.calls;
  st.threads = base.step.threads;
  st.bytes = base.step.written ?? 0;
  if (!st.bytes) {
    st.end = "complete";
    st.note = "a run with no fault writes nothing under the paths: there is no budget to sweep";
    return;
  }
  const keyAt = (i: number) =>
    i < ctx.plan.max && i * step < ctx.plan.limits.disk ? i * step : null;
  const end = await sweepKeys(
    ctx,
    fault,
    keyAt,
    (k) => run(k),
    (r) => r.kind === "step" && r.step.short === null,
  );
  settle(st, end, ctx, () => {
    st.end = "max";
    const i = Math.min(ctx.plan.max, Math.ceil(ctx.plan.limits.disk / step));
    st.next = i * step < ctx.plan.limits.disk ? i * step : null;
    if (st.next === null) st.note = "every budget up to the disk's size ran short";
  });
  if (end.error) throw end.error;
}

/**
 * Sweeps each fault: for syscall faults N = 1, 2, ... (a run with no fault alongside, for
 * the real count of calls) until a run has no call left to fail or --max; for disk:full
 * one run per free-space budget until one where the disk no longer runs out. Up to `concurrency` containers at once; rows arrive in
 * order of N through `onRow` and in `state`, which holds what finished whatever stops the
 * sweep (engine errors are rethrown after it is filled).
 *
 * @example
 * const state = newSweepState(plan);
 * await runSweep(session, access, plan, signal, (r) => print(r), state);
 */
export async function runSweep(
  session: EngineSession,
  mount: ProjectAccess,
  plan: SweepPlan,
  signal: AbortSignal,
  onRow: (r: SweepRow) => void,
  state: SweepState = newSweepState(plan),
): Promise<SweepState> {
  const ctx: Ctx = {
    session,
    mount,
    plan,
    signal,
    emit: (r) => {
      state.rows.push(r);
      onRow(r);
    },
  };
  for (const f of plan.faults) {
    if (signal.aborted) break;
    const name = faultName(f);
    const st = state.sweeps[name] ?? notStarted();
    state.sweeps[name] = st;
    st.end = "stopped";
    if (faultKind(f) === "disk") await sweepDisk(ctx, f, st);
    else await sweepCalls(ctx, f, st);
  }
  return state;
}
