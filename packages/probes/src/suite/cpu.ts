import { availableParallelism } from "node:os";
import { defineProbe, type Probe, verdict } from "../probe.ts";
import { recover } from "./recovery.ts";
import { lateness, loopLag, starvedBoundMs, usableCpus } from "./timing.ts";

/** More busy threads than cores: the quota is used up whatever it is. */
const starving = () => 2 * availableParallelism();

/**
 * The share of CFS periods in which the cgroup used up its whole quota (nr_throttled over
 * nr_periods): in each such period the process got exactly the quota, so throughput owed
 * to the quota scales with it. A machine busy with other work gives less than the quota and
 * throttles less: bounds built on this share hold on a loaded machine too.
 */
const throttledShare = (t: { periods: number | null; throttled: number | null }) =>
  t.periods ? (t.throttled ?? 0) / t.periods : 0;

/** A worker that never ends by itself: a CPU-bound task with no await in it. */
const ENDLESS = "let x = 0; for (;;) x = (Math.imul(x, 31) + 1) | 0;";

/**
 * Reads the three clocks at (nearly) one instant: Date.now() and hrtime between two
 * performance.now() reads. `bracketMs` is how far apart those two were: a thread
 * preempted while sampling (a throttled cgroup, a busy machine) shows as a wide bracket.
 */
function readClocks(): { perf: number; hr: bigint; offset: number; bracketMs: number } {
  let best = { perf: 0, hr: 0n, offset: 0, bracketMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < 5 && best.bracketMs > 0.2; i++) {
    const a = performance.now();
    const date = Date.now();
    const hr = process.hrtime.bigint();
    const b = performance.now();
    if (b - a < best.bracketMs)
      best = {
        perf: (a + b) / 2,
        hr,
        offset: performance.timeOrigin + (a + b) / 2 - date,
        bracketMs: b - a,
      };
  }
  return best;
}

export const cpuProbes: Probe[] = [
  defineProbe({
    id: "cpu.quota-holds-and-throttles",
    category: "cpu",
    title: "busy threads get no more cores than the cpu fence, and cpu.stat shows them throttled",
    async run(ctx) {
      const quota = ctx.fence.cpus;
      const asked = Number(process.env.BRINK_FENCE_CPUS);
      await using burn = await ctx.pressure.burnCpu({ workers: starving(), ms: 800 });
      const s = await burn.finished;
      const usable = usableCpus(quota);
      const readBack = quota !== null && Math.abs(quota - asked) <= asked * 0.01;
      const held = s.effectiveCpus <= usable * 1.25;
      const throttled = (s.throttling.throttled ?? 0) > 0;
      // Threads that want more than the quota and got it must have been throttled; a machine
      // too busy to give even the quota throttles nothing, and proves only the upper bound.
      const reached = s.effectiveCpus >= 0.9 * usable;
      const ok = readBack && held && (throttled || !reached);
      return verdict(
        ok,
        `quota ${quota} (asked ${asked}); ${burn.workers} busy threads got ${s.effectiveCpus} cores${reached ? "" : " (the machine gave less than the quota)"}; throttled in ${s.throttling.throttled} of ${s.throttling.periods} periods`,
        { quota, asked, usable, workers: burn.workers, reachedQuota: reached, ...s },
      );
    },
  }),
  defineProbe({
    id: "cpu.timers-fire-under-starved-quota",
    category: "cpu",
    title:
      "with the quota used up by busy workers, every timer still fires, late by a bounded amount",
    async run(ctx) {
      await using burn = await ctx.pressure.burnCpu({ workers: starving() });
      const bound = starvedBoundMs();
      const due = Array.from({ length: 20 }, (_, i) => 50 + i * 50);
      const t0 = performance.now();
      const fired = Promise.all(
        due.map(
          (ms) =>
            new Promise<number>((resolve) =>
              setTimeout(() => resolve(performance.now() - t0 - ms), ms),
            ),
        ),
      );
      const lags = await loopLag(800);
      const late = await Promise.race([fired, Bun.sleep(1000 + 2 * bound).then(() => null)]);
      const s = burn.sample();
      const oneShot = late ? lateness(late) : null;
      const interval = lateness(lags);
      const early = late ? late.filter((l) => l < -1).length : 0;
      const ok =
        late !== null &&
        early === 0 &&
        (oneShot?.max ?? Infinity) <= bound &&
        interval.p99 <= bound;
      return verdict(
        ok,
        late
          ? `${due.length}/${due.length} timers fired, late p50 ${oneShot?.p50} ms, max ${oneShot?.max} ms; 10 ms interval lag p50 ${interval.p50}, p99 ${interval.p99} ms (bound ${bound} ms)`
          : `timers had not all fired ${1000 + 2 * bound} ms after the last was due`,
        {
          timers: due.length,
          fired: late?.length ?? 0,
          early,
          oneShotLateMs: oneShot,
          intervalLagMs: interval,
          ticks: lags.length,
          boundMs: bound,
          effectiveCpus: s.effectiveCpus,
          throttling: s.throttling,
        },
      );
    },
  }),
  defineProbe({
    id: "cpu.deadline-ends-worker-task",
    category: "cpu",
    title:
      "an AbortSignal.timeout deadline ends a CPU-bound task in a worker on time, quota starved",
    async run(ctx) {
      const { Worker } = await import("node:worker_threads");
      await using burn = await ctx.pressure.burnCpu({ workers: availableParallelism() });
      const deadlineMs = 300;
      const bound = starvedBoundMs();
      const t0 = performance.now();
      const task = new Worker(ENDLESS, { eval: true });
      const exited = new Promise<number>((r) => task.once("exit", () => r(performance.now() - t0)));
      const signal = AbortSignal.timeout(deadlineMs);
      const abortedAt = await new Promise<number>((resolve) =>
        signal.addEventListener("abort", () => resolve(performance.now() - t0), { once: true }),
      );
      await task.terminate();
      const exitedAt = await Promise.race([exited, Bun.sleep(2 * bound).then(() => null)]);
      const s = burn.sample();
      const ok =
        abortedAt >= deadlineMs - 1 && abortedAt <= deadlineMs + bound && exitedAt !== null;
      return verdict(
        ok,
        `deadline ${deadlineMs} ms fired at ${Math.round(abortedAt)} ms; the task's worker ended at ${exitedAt === null ? "never" : `${Math.round(exitedAt)} ms`}`,
        {
          deadlineMs,
          abortedAtMs: Math.round(abortedAt),
          lateMs: Math.round(abortedAt - deadlineMs),
          exitedAtMs: exitedAt === null ? null : Math.round(exitedAt),
          boundMs: bound,
          effectiveCpus: s.effectiveCpus,
          throttling: s.throttling,
        },
      );
    },
  }),
  defineProbe({
    id: "cpu.pool-throughput-follows-quota",
    category: "cpu",
    title:
      "a worker pool's throughput is the quota's share of one core's, and more workers do not collapse it",
    async run(ctx) {
      const quota = ctx.fence.cpus;
      const measure = async (workers: number) => {
        await using burn = await ctx.pressure.burnCpu({ workers, ms: 800 });
        return await burn.finished;
      };
      const one = await measure(1);
      const many = await measure(starving());
      // Units a CPU-second is the code's own speed (throttling does not change it); units a
      // wall-second over it is the cores of throughput the pool really got.
      const perCpuSecond = (s: typeof one) => (s.cpuMs > 0 ? (s.units / s.cpuMs) * 1000 : 0);
      const cores = (s: typeof one) =>
        perCpuSecond(one) > 0 ? +(((s.units / s.wallMs) * 1000) / perCpuSecond(one)).toFixed(3) : 0;
      // Not collapsing: a CPU-second of many workers does nearly the work of one worker's.
      const efficiency = perCpuSecond(one) > 0 ? perCpuSecond(many) / perCpuSecond(one) : 0;
      // In proportion to the quota: no more than it, and in each period the cgroup was
      // throttled it had the whole quota, so at least that share of it (half, for margin).
      const usable = usableCpus(quota);
      const floor = 0.5 * usable * throttledShare(many.throttling);
      const ok =
        efficiency >= 0.6 &&
        cores(one) <= Math.min(1, usable) * 1.25 &&
        cores(many) <= usable * 1.25 &&
        cores(many) >= floor;
      return verdict(
        ok,
        `1 worker: ${cores(one)} cores of throughput; ${starving()} workers: ${cores(many)} (quota ${quota}, at least ${floor.toFixed(3)} owed by ${many.throttling.throttled}/${many.throttling.periods} throttled periods); work per CPU-second ×${efficiency.toFixed(2)} of one worker's`,
        {
          quota,
          usable,
          one: { ...one, unitsPerCpuSecond: Math.round(perCpuSecond(one)), cores: cores(one) },
          many: {
            workers: starving(),
            ...many,
            unitsPerCpuSecond: Math.round(perCpuSecond(many)),
            cores: cores(many),
          },
          efficiency: +efficiency.toFixed(3),
          floorCores: +floor.toFixed(3),
        },
      );
    },
  }),
  defineProbe({
    id: "cpu.main-answers-while-workers-burn",
    category: "cpu",
    title: "the main thread keeps serving HTTP on loopback while workers use up the quota",
    async run(ctx) {
      await using burn = await ctx.pressure.burnCpu({ workers: starving() });
      const bound = starvedBoundMs();
      using server = Bun.serve({
        hostname: "127.0.0.1",
        port: 0,
        fetch: () => new Response("pong"),
      });
      const took: number[] = [];
      const errors: string[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        try {
          const r = await fetch(`http://127.0.0.1:${server.port}/`, {
            signal: AbortSignal.timeout(2 * bound),
          });
          if ((await r.text()) !== "pong") errors.push(`answer ${i} was not pong`);
        } catch (e) {
          errors.push(`${(e as Error).name}: ${(e as Error).message}`);
        }
        took.push(performance.now() - t);
      }
      const s = burn.sample();
      const l = lateness(took);
      return verdict(
        errors.length === 0 && l.p99 <= bound,
        `${20 - errors.length}/20 requests answered; round trip p50 ${l.p50} ms, p99 ${l.p99} ms (bound ${bound} ms)`,
        {
          roundTripMs: l,
          boundMs: bound,
          errors,
          effectiveCpus: s.effectiveCpus,
          throttling: s.throttling,
        },
      );
    },
  }),
  defineProbe({
    id: "cpu.clocks-agree-under-throttling",
    category: "cpu",
    title: "performance.now() and Date.now() stay consistent, and monotonic, while throttled",
    async run(ctx) {
      await using burn = await ctx.pressure.burnCpu({ workers: starving() });
      const first = readClocks();
      const offsets: number[] = [];
      let backwards = 0;
      let last = first;
      let loose = 0;
      while (performance.now() < first.perf + 800) {
        await Bun.sleep(5);
        const c = readClocks();
        if (c.perf < last.perf || c.hr < last.hr) backwards++;
        if (c.bracketMs <= 1) offsets.push(c.offset);
        else loose++;
        last = c;
      }
      const perfSpan = last.perf - first.perf;
      const hrSpan = Number(last.hr - first.hr) / 1e6;
      const spread = offsets.length ? Math.max(...offsets) - Math.min(...offsets) : Infinity;
      const s = burn.sample();
      // Date.now() has 1 ms steps and NTP may slew it by at most 0.5 ms a second; each
      // sample is bracketed (see readClocks), so a thread preempted mid-sample is left out.
      const ok =
        backwards === 0 &&
        offsets.length >= 5 &&
        spread <= 10 &&
        Math.abs(perfSpan - hrSpan) <= 2 + first.bracketMs + last.bracketMs;
      return verdict(
        ok,
        `${offsets.length} samples over ${Math.round(perfSpan)} ms: timeOrigin+now - Date.now() spread ${spread.toFixed(2)} ms; hrtime vs performance ${Math.abs(perfSpan - hrSpan).toFixed(3)} ms; ${backwards} steps backwards`,
        {
          samples: offsets.length,
          preemptedSamples: loose,
          offsetSpreadMs: +spread.toFixed(3),
          perfSpanMs: +perfSpan.toFixed(3),
          hrtimeSpanMs: +hrSpan.toFixed(3),
          backwards,
          effectiveCpus: s.effectiveCpus,
          throttling: s.throttling,
        },
      );
    },
  }),
  defineProbe({
    id: "cpu.recovery-after-burn",
    category: "cpu",
    title: "once busy workers are released, a 10 ms timer fires on time again, and how soon",
    async run(ctx) {
      const burn = await ctx.pressure.burnCpu({ workers: starving() });
      const during = lateness(await loopLag(600));
      const s = burn.sample();
      const bound = starvedBoundMs();
      const released = performance.now();
      await burn.release();
      // The first 10 ms timer that fires no more than 5 ms late.
      const r = await recover(
        released,
        async () => {
          const t = performance.now();
          await Bun.sleep(10);
          const late = performance.now() - t - 10;
          if (late > 5)
            throw Object.assign(new Error("late"), { code: `late ${Math.round(late)} ms` });
        },
        2 * bound,
      );
      const recoveryMs = r.recoveryMs;
      const ok = recoveryMs !== null && recoveryMs <= bound;
      return verdict(
        ok,
        `while burning, 10 ms timers were late p50 ${during.p50} ms, p99 ${during.p99} ms; released, on time again after ${recoveryMs ?? "never"} ms`,
        {
          recoveryMs,
          tries: r.tries,
          lagWhileBurningMs: during,
          boundMs: bound,
          effectiveCpus: s.effectiveCpus,
          throttling: s.throttling,
        },
      );
    },
  }),
];
