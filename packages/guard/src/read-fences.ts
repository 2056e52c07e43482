import { statfsSync } from "node:fs";
import { join } from "node:path";
import { cgroupLayout, readCgroupFile, readCgroupNumber } from "./cgroup.ts";
import type { ReadOptions } from "./detect-container.ts";
import type { FenceName } from "./fence-summary.ts";
import { readProcLimits, type SoftHard } from "./proc-limits.ts";
import { raisableFences } from "./raisable.ts";
import { readSwap } from "./swap.ts";

/** Free and total bytes of the scratch directory (the disk fence). */
export interface DiskFence {
  path: string;
  total: number;
  free: number;
}

/** The limits really in force; null where there is none. Bytes for sizes. */
export interface Fences {
  cgroup: 1 | 2 | null;
  memory: number | null;
  /**
   * Swap allowed on top of memory: 0 when Memory = MemorySwap (or when swap is not accounted
   * and the machine has none); null when unlimited or unknown.
   */
  swap: number | null;
  pids: number | null;
  cpus: number | null;
  nofile: SoftHard;
  stack: SoftHard;
  disk: DiskFence | null;
  /** Fences this process could lift by itself (see raisableFences): reported as none. */
  raisable: FenceName[];
}

/** The scratch directory: `BRINK_SCRATCH`, default /scratch. */
export function scratchDir(env: Record<string, string | undefined> = process.env): string {
  return env.BRINK_SCRATCH || "/scratch";
}

function readCpus(root: string, layout: ReturnType<typeof cgroupLayout>): number | null {
  if (layout.version === 2) {
    const [quota, period] = (readCgroupFile(root, layout, "cpu", "cpu.max") ?? "")
      .trim()
      .split(" ");
    const q = Number(quota);
    const p = Number(period);
    return quota === "max" || !q || !p ? null : q / p;
  }
  const q = readCgroupNumber(root, layout, "cpu", "cpu.cfs_quota_us");
  const p = readCgroupNumber(root, layout, "cpu", "cpu.cfs_period_us");
  return q && p ? q / p : null;
}

/** Statfs of `path` below `root`; null when it does not exist. */
export function readDisk(root: string, path: string): DiskFence | null {
  try {
    const s = statfsSync(join(root, path));
    return { path, total: s.blocks * s.bsize, free: s.bavail * s.bsize };
  } catch {
    return null;
  }
}

/**
 * Reads the limits really in force for this process: cgroup memory, swap, pids and cpu;
 * nofile and stack (soft and hard) from /proc/self/limits; free/total bytes of the scratch
 * directory; and which of them the process could lift by itself. {@link summarizeFences}
 * turns this into the fences that hold.
 *
 * @example
 * const f = readFences();
 * console.log(f.memory, f.nofile.soft, f.disk?.free);
 */
export function readFences(options: ReadOptions = {}): Fences {
  const root = options.root ?? "/";
  const layout = cgroupLayout(root);
  const memory = readCgroupNumber(
    root,
    layout,
    "memory",
    layout.version === 2 ? "memory.max" : "memory.limit_in_bytes",
  );
  const limits = readProcLimits(root);
  return {
    cgroup: layout.version,
    memory,
    swap: readSwap(root, layout, memory),
    pids: readCgroupNumber(root, layout, "pids", "pids.max"),
    cpus: readCpus(root, layout),
    nofile: limits.nofile,
    stack: limits.stack,
    disk: readDisk(root, scratchDir(options.env)),
    raisable: raisableFences(root, layout),
  };
}
