import { readMemoryUsage } from "@brink/guard";
import { defineProbe, type Probe, verdict } from "../probe.ts";

const MiB = 2 ** 20;
/** The small buffers' size: many of them, every other one released, leave holes. */
const SMALL = 16 * 1024;

const charged = () => readMemoryUsage().current ?? 0;
const rss = () => process.memoryUsage().rss;
const mib = (n: number) => +(n / MiB).toFixed(1);

/** What is left of the memory fence for this probe: the fence less what the cgroup holds now. */
function headroom(fence: number | null): number {
  return Math.max(0, (fence ?? 128 * MiB) - charged());
}

/** Frees what is unreachable, twice, with the stack unwound in between (the collector is conservative). */
async function collect(): Promise<void> {
  Bun.gc(true);
  await Bun.sleep(50);
  Bun.gc(true);
  await Bun.sleep(50);
}

/** Allocates `bytes` in SMALL buffers (pages touched), each filled with its index. */
function smallBuffers(bytes: number): (Uint8Array | null)[] {
  return Array.from({ length: Math.floor(bytes / SMALL) }, (_, i) =>
    new Uint8Array(SMALL).fill(i & 0xff),
  );
}

/** Releases every other buffer: the live half keeps the pages around the holes. */
function releaseEveryOther(buffers: (Uint8Array | null)[]): number {
  let live = 0;
  for (let i = 0; i < buffers.length; i++) {
    if (i % 2 === 0) buffers[i] = null;
    else live += buffers[i]?.length ?? 0;
  }
  return live;
}

/** One large allocation, touched: its size, or the name of what it threw. */
function largeAllocation(bytes: number): { ok: boolean; error: string | null } {
  try {
    const big = new Uint8Array(bytes).fill(7);
    return { ok: big[bytes - 1] === 7, error: null };
  } catch (e) {
    return { ok: false, error: (e as Error)?.name ?? String(e) };
  }
}

export const fragmentationProbes: Probe[] = [
  defineProbe({
    id: "oom.fragmented-heap-large-allocation",
    category: "oom",
    title:
      "after many small buffers with every other one released, a large allocation succeeds or throws catchably, inside the fence",
    async run(ctx) {
      const room = headroom(ctx.fence.memory);
      const base = { charged: charged(), rss: rss() };
      // 40% of the room in small buffers, then 30% in one: 70% even if nothing freed returns.
      const buffers = smallBuffers(room * 0.4);
      const filled = { charged: charged(), rss: rss() };
      const live = releaseEveryOther(buffers);
      await collect();
      const holed = { charged: charged(), rss: rss() };
      const largeBytes = Math.floor(room * 0.3);
      const large = largeAllocation(largeBytes);
      const after = { charged: charged(), rss: rss() };
      const intact = buffers.every(
        (b, i) => b === null || (b[0] === (i & 0xff) && b.length === SMALL),
      );
      const wentOn = new Uint8Array(MiB).fill(1)[MiB - 1] === 1;
      const ok = (large.ok || large.error === "RangeError") && intact && wentOn;
      // Overhead: what the cgroup still holds for the small buffers per byte still live.
      const overhead = live > 0 ? +((holed.charged - base.charged) / live).toFixed(2) : null;
      return verdict(
        ok,
        `${buffers.length} × 16 KiB, every other released: ${mib(live)} MiB live, ${mib(holed.charged - base.charged)} MiB still charged (×${overhead}); then ${mib(largeBytes)} MiB at once: ${large.ok ? "ok" : large.error}`,
        {
          roomMiB: mib(room),
          buffers: buffers.length,
          liveMiB: mib(live),
          chargedMiB: {
            before: mib(base.charged),
            filled: mib(filled.charged),
            holed: mib(holed.charged),
            afterLarge: mib(after.charged),
          },
          rssMiB: {
            before: mib(base.rss),
            filled: mib(filled.rss),
            holed: mib(holed.rss),
            afterLarge: mib(after.rss),
          },
          overheadPerLiveByte: overhead,
          largeMiB: mib(largeBytes),
          large,
          intact,
        },
      );
    },
  }),
  defineProbe({
    id: "oom.memory-returns-after-gc",
    category: "oom",
    title: "memory of a released fragmenting pattern returns to the cgroup after Bun.gc(true)",
    async run(ctx) {
      const room = headroom(ctx.fence.memory);
      const before = charged();
      // Held through an object, never a local: the collector scans stacks conservatively,
      // and a stale copy of the array's address on one would keep every buffer alive.
      const held: { buffers: (Uint8Array | null)[] | null } = { buffers: smallBuffers(room * 0.5) };
      const count = held.buffers?.length ?? 0;
      const peak = charged();
      releaseEveryOther(held.buffers ?? []);
      await collect();
      const half = charged();
      held.buffers = null;
      const released = performance.now();
      await collect();
      let after = charged();
      // Returned pages show in the cgroup as the allocator gives them back: give it a second.
      while (peak - after < 0.75 * (peak - before) && performance.now() - released < 1000) {
        await Bun.sleep(50);
        Bun.gc(true);
        after = charged();
      }
      const returnedAfterMs = Math.round(performance.now() - released);
      const added = peak - before;
      const returned = peak - after;
      return verdict(
        added > 0 && returned >= 0.75 * added,
        `${count} × 16 KiB added ${mib(added)} MiB; half released: ${mib(peak - half)} MiB back; all released + Bun.gc(true): ${mib(returned)} MiB back in ${returnedAfterMs} ms`,
        {
          buffers: count,
          chargedMiB: {
            before: mib(before),
            peak: mib(peak),
            halfReleased: mib(half),
            after: mib(after),
          },
          addedMiB: mib(added),
          returnedMiB: mib(returned),
          returnedShare: added > 0 ? +(returned / added).toFixed(3) : null,
          returnedAfterMs,
        },
      );
    },
  }),
];
