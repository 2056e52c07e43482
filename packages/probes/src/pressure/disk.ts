import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { CLASS_BRAND, readDisk } from "@brink/guard";
import { ProbeError } from "../errors.ts";
import { firstMessage, Pressure, split } from "./pressure.ts";
import { positive, requireFence } from "./require-fence.ts";

/** Options of {@link fillDisk}. */
export interface FillDiskOptions {
  /** Directory to fill (must be on the disk fence). @default the scratch directory */
  dir?: string;
  /** Stop after this many bytes; without it, go until an error (ENOSPC). */
  target?: number;
  /** Leave this many bytes free. */
  margin?: number;
  /** Writers (worker threads) at once. @default 2 */
  writers?: number;
  /** Bytes a write. @default 256 KiB */
  chunk?: number;
}

interface WriterReport {
  written: number;
  error: string | null;
}

/** Files that fill the disk fence until released (deleted). */
export class DiskPressure extends Pressure {
  static override readonly [CLASS_BRAND] = "DiskPressure";
  constructor(
    readonly written: number,
    /** The first error a writer saw (e.g. "ENOSPC"), or null when the target was reached. */
    readonly error: string | null,
    readonly files: string[],
    readonly freeAfter: number | null,
    private readonly workers: Worker[],
  ) {
    super();
  }

  protected async free(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const f of this.files) rmSync(f, { force: true });
  }
}

/**
 * Fills a directory from concurrent writers until ENOSPC, a target, or a margin is reached.
 *
 * @example
 * await using full = await fillDisk({ writers: 2 });
 * console.log(full.written, full.error); // 104726528 "ENOSPC"
 */
export async function fillDisk(options: FillDiskOptions = {}): Promise<DiskPressure> {
  const { fences } = requireFence("disk", "fillDisk");
  const dir = options.dir ?? fences.disk?.path ?? "/scratch";
  const writers = Math.floor(positive("writers", options.writers) ?? 2);
  const chunk = Math.floor(positive("chunk", options.chunk) ?? 256 * 1024);
  const margin = options.margin ?? 0;
  if (!Number.isFinite(margin) || margin < 0) {
    throw new ProbeError("BAD_OPTION", `margin must be 0 or more bytes, got ${margin}`);
  }
  let target = positive("target", options.target) ?? Number.POSITIVE_INFINITY;
  if (margin > 0) target = Math.min(target, Math.max(0, (readDisk("/", dir)?.free ?? 0) - margin));
  const stamp = `${process.pid}-${Date.now()}`;
  const files = Array.from({ length: writers }, (_, i) => join(dir, `.brink-fill-${stamp}-${i}`));
  const shares = Number.isFinite(target)
    ? split(Math.floor(target), writers)
    : Array(writers).fill(-1);
  const { Worker } = await import("node:worker_threads");
  const pool = shares.map(
    (share, i) =>
      new Worker(new URL("./disk-worker.ts", import.meta.url), {
        workerData: { file: files[i], share, chunk },
      }),
  );
  try {
    const reports = await Promise.all(pool.map((w) => firstMessage<WriterReport>(w)));
    return new DiskPressure(
      reports.reduce((s, r) => s + r.written, 0),
      reports.find((r) => r.error)?.error ?? null,
      files,
      readDisk("/", dir)?.free ?? null,
      pool,
    );
  } catch (e) {
    await Promise.all(pool.map((w) => w.terminate()));
    for (const f of files) rmSync(f, { force: true });
    throw new ProbeError("WORKER_FAILED", `fillDisk: ${(e as Error).message}`, { cause: e });
  }
}
