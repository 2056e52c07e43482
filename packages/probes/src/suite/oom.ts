import { readMemoryUsage } from "@brink/guard";
import { defineProbe, type Probe, verdict } from "../probe.ts";
import { maxLoopLag, runBunChild, UNBOUNDED_ALLOC } from "./child.ts";
import { recover } from "./recovery.ts";

const MiB = 2 ** 20;
const errName = (e: unknown) => (e as Error)?.name ?? String(e);

/** Fills `bytes` in the current thread (pages touched) and returns it. */
function touch(bytes: number): Uint8Array {
  return new Uint8Array(bytes).fill(1);
}

export const oomProbes: Probe[] = [
  defineProbe({
    id: "oom.oversized-allocation-throws",
    category: "oom",
    title: "a single allocation far beyond the fence throws a catchable RangeError",
    run(ctx) {
      const size = Math.max(2 ** 33, (ctx.fence.memory ?? 0) * 64);
      let error: string | null = null;
      let message = "";
      try {
        new ArrayBuffer(size);
      } catch (e) {
        error = errName(e);
        message = (e as Error).message;
      }
      const after = touch(MiB).length;
      return verdict(
        error === "RangeError" && after === MiB,
        `new ArrayBuffer(${size}) -> ${error ?? "no error"}; process went on`,
        {
          size,
          error,
          message,
          allocatedAfter: after,
        },
      );
    },
  }),
  defineProbe({
    id: "oom.workers-near-fence-main-answers",
    category: "oom",
    title: "worker threads hold ~90% of the fence while the main thread keeps answering",
    async run(ctx) {
      const {
        value: mem,
        maxLagMs,
        ticks,
      } = await maxLoopLag(ctx.pressure.holdMemory({ fraction: 0.9, workers: 2 }));
      const held = await maxLoopLag(Bun.sleep(200));
      const observed = {
        requested: Math.round(mem.requested),
        reached: mem.reached,
        usageHeld: mem.usageHeld,
        fraction:
          mem.usageHeld && ctx.fence.memory ? +(mem.usageHeld / ctx.fence.memory).toFixed(3) : null,
        maxLagMs: Math.max(maxLagMs, held.maxLagMs),
        ticks: ticks + held.ticks,
        errors: mem.errors,
      };
      await mem.release();
      const ok = mem.reached >= 0.95 * mem.requested && observed.maxLagMs < 1000 && held.ticks > 5;
      return verdict(
        ok,
        `held ${(mem.reached / MiB).toFixed(0)} MiB; worst loop lag ${observed.maxLagMs} ms`,
        observed,
      );
    },
  }),
  defineProbe({
    id: "oom.child-killed-parent-survives",
    category: "oom",
    title:
      "a child that allocates without bound is OOM-killed; the parent survives and sees the signal",
    async run() {
      const before = readMemoryUsage().oomKills;
      const end = await runBunChild(UNBOUNDED_ALLOC);
      const after = readMemoryUsage().oomKills;
      const observed = { ...end, stdout: undefined, oomKillsBefore: before, oomKillsAfter: after };
      return verdict(
        end.signal === "SIGKILL",
        `child ended by ${end.signal ?? `exit ${end.exitCode}`}; parent alive`,
        observed,
      );
    },
  }),
  defineProbe({
    id: "oom.recovery-after-kill",
    category: "oom",
    title: "after a child's OOM kill, a moderate allocation succeeds, and how soon",
    async run(ctx) {
      const end = await runBunChild(UNBOUNDED_ALLOC);
      // The pressure ends with the child's death: from there to an allocation that works.
      const bytes = Math.floor((ctx.fence.memory ?? 128 * MiB) * 0.25);
      const r = await recover(performance.now(), () => touch(bytes).length);
      return verdict(
        r.value === bytes && end.signal === "SIGKILL",
        `child ${end.signal}; then ${bytes} bytes ${r.value === bytes ? `in ${r.recoveryMs} ms` : `failed (${r.lastError})`}`,
        {
          childSignal: end.signal,
          bytes,
          recoveryMs: r.recoveryMs,
          tries: r.tries,
          lastError: r.lastError,
        },
      );
    },
  }),
  defineProbe({
    id: "oom.memory-returns-after-workers",
    category: "oom",
    title: "memory held by workers returns to the cgroup after they end",
    async run(ctx) {
      const before = readMemoryUsage().current ?? 0;
      const mem = await ctx.pressure.holdMemory({
        bytes: (ctx.fence.memory ?? 128 * MiB) * 0.5,
        workers: 2,
      });
      const during = readMemoryUsage().current ?? 0;
      await mem.release();
      Bun.gc(true);
      await Bun.sleep(100);
      const after = readMemoryUsage().current ?? 0;
      const returned = during - after;
      const observed = { before, during, after, held: mem.reached, returned };
      return verdict(
        returned >= 0.75 * mem.reached,
        `${(returned / MiB).toFixed(0)} of ${(mem.reached / MiB).toFixed(0)} MiB returned`,
        observed,
      );
    },
  }),
  defineProbe({
    id: "oom.string-growth-fails-catchably",
    category: "oom",
    title: "doubling a string past its maximum length throws a catchable RangeError",
    run() {
      let s = "x";
      let error: string | null = null;
      let message = "";
      try {
        for (let i = 0; i < 40; i++) s += s;
      } catch (e) {
        error = errName(e);
        message = (e as Error).message;
      }
      return verdict(
        error === "RangeError",
        `stopped at length ${s.length} with ${error ?? "no error"}`,
        { length: s.length, error, message },
      );
    },
  }),
  defineProbe({
    id: "oom.array-growth-fails-catchably",
    category: "oom",
    title: "growing an array past its maximum length throws a catchable RangeError",
    run() {
      const a: number[] = [];
      let error: string | null = null;
      let message = "";
      try {
        a.length = 2 ** 32;
      } catch (e) {
        error = errName(e);
        message = (e as Error).message;
      }
      a.push(1);
      return verdict(
        error === "RangeError" && a.length === 1,
        `a.length = 2**32 -> ${error ?? "no error"}`,
        { error, message },
      );
    },
  }),
  defineProbe({
    id: "oom.untouched-allocation-is-lazy",
    category: "oom",
    title: "an ArrayBuffer larger than the fence but never touched is not charged (overcommit)",
    run(ctx) {
      const size = (ctx.fence.memory ?? 128 * MiB) * 2;
      const before = readMemoryUsage().current ?? 0;
      let error: string | null = null;
      let charged = 0;
      try {
        const b = new ArrayBuffer(size);
        charged = (readMemoryUsage().current ?? 0) - before;
        if (b.byteLength !== size) error = "short";
      } catch (e) {
        error = errName(e);
      }
      return verdict(
        error === null && charged < size / 4,
        `ArrayBuffer(${size}) -> ${error ?? "ok"}, charged ${charged} bytes`,
        { size, error, charged },
      );
    },
  }),
  defineProbe({
    id: "oom.container-killed-by-fence",
    category: "oom",
    title: "allocating without bound in the main thread gets the container OOM-killed",
    expected: "killed",
    timeoutMs: 60_000,
    run() {
      const held: Uint8Array[] = [];
      for (;;) held.push(touch(MiB));
    },
  }),
];
