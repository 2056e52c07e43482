import type { Worker } from "node:worker_threads";
import { CLASS_BRAND, readMemoryUsage } from "@brink/guard";
import { ProbeError } from "../errors.ts";
import { firstMessage, Pressure, split } from "./pressure.ts";
import { positive, requireFence } from "./require-fence.ts";

/** Options of {@link holdMemory}: give `bytes`, or `fraction` of the memory fence. */
export interface HoldMemoryOptions {
  /** Bytes to hold, spread over the workers. */
  bytes?: number;
  /** Bring the cgroup's charge to this fraction of the memory fence (0-1]. */
  fraction?: number;
  /** @default 2 */
  workers?: number;
  /** Allocation unit, bytes. @default 1 MiB */
  chunk?: number;
}

interface WorkerReport {
  reached: number;
  error: string | null;
}

/** Memory held by worker threads. */
export class MemoryPressure extends Pressure {
  static override readonly [CLASS_BRAND] = "MemoryPressure";
  constructor(
    readonly requested: number,
    /** Bytes the workers really allocated and touched. */
    readonly reached: number,
    /** Allocation errors the workers saw (e.g. RangeError), if any. */
    readonly errors: string[],
    /** cgroup charge before and while holding. */
    readonly usageBefore: number | null,
    readonly usageHeld: number | null,
    private readonly workers: Worker[],
  ) {
    super();
  }

  protected async free(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    Bun.gc(true);
  }
}

/**
 * Holds memory from worker threads (pages really touched) until released.
 *
 * @example
 * await using mem = await holdMemory({ fraction: 0.9, workers: 2 });
 * console.log(mem.reached, mem.usageHeld);
 */
export async function holdMemory(options: HoldMemoryOptions): Promise<MemoryPressure> {
  const { fences } = requireFence("memory", "holdMemory");
  const workers = Math.floor(positive("workers", options.workers) ?? 2);
  const chunk = positive("chunk", options.chunk) ?? 2 ** 20;
  const fraction = positive("fraction", options.fraction);
  if (fraction !== undefined && fraction > 1) {
    throw new ProbeError("BAD_OPTION", `fraction must be in (0, 1], got ${fraction}`);
  }
  const before = readMemoryUsage().current;
  let bytes = positive("bytes", options.bytes);
  if (bytes === undefined) {
    if (fraction === undefined)
      throw new ProbeError("BAD_OPTION", "holdMemory needs bytes or fraction");
    bytes = Math.max(0, fraction * (fences.memory ?? 0) - (before ?? 0));
  }
  const { Worker } = await import("node:worker_threads");
  const pool = split(Math.floor(bytes), workers).map(
    (share) =>
      new Worker(new URL("./memory-worker.ts", import.meta.url), {
        workerData: { bytes: share, chunk },
      }),
  );
  let reports: WorkerReport[];
  try {
    reports = await Promise.all(pool.map((w) => firstMessage<WorkerReport>(w)));
  } catch (e) {
    await Promise.all(pool.map((w) => w.terminate()));
    throw new ProbeError("WORKER_FAILED", `holdMemory: a worker failed: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return new MemoryPressure(
    bytes,
    reports.reduce((s, r) => s + r.reached, 0),
    reports.flatMap((r) => (r.error ? [r.error] : [])),
    before,
    readMemoryUsage().current,
    pool,
  );
}
