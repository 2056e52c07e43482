import { formatSize } from "../args/units.ts";
import type { Limits } from "../engine/container-spec.ts";

/** A fence `brink squeeze` can search. */
export type SqueezeFence = "memory" | "disk" | "nofile" | "pids" | "stack";

/** Every fence, in the order reports list them. */
export const SQUEEZE_FENCES: readonly SqueezeFence[] = [
  "memory",
  "disk",
  "nofile",
  "pids",
  "stack",
];

/** The fences squeezed when no --fence is given. */
export const DEFAULT_SQUEEZE_FENCES: readonly SqueezeFence[] = ["memory", "disk", "nofile", "pids"];

const KiB = 2 ** 10;
const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** How a fence's values are searched, shown and rounded. */
export interface FenceScale {
  /** Sizes are bytes; counts are descriptors or tasks. */
  kind: "size" | "count";
  /** The default range: low should fail for any program, high pass for most. */
  low: number;
  high: number;
  /** The least value the engine takes for this fence. */
  floor: number;
  /** Every value tried is a multiple of this. */
  grid: number;
  /** The search is done when the passing and failing values are this close (at `v`). */
  step(v: number): number;
  /** Recommended values are rounded up in this unit (see `niceUp`). */
  unit: number;
}

const sizeStep = (least: number) => (v: number) => Math.max(least, Math.ceil(v / 100));

/**
 * The scale of each fence: memory and disk to 1 MiB or 1% (whichever is coarser), stack to
 * 16 KiB or 1%, counts exactly. Default ranges start below what Bun can start under, so a
 * program that needs little still shows where it breaks.
 */
export const SCALES: Record<SqueezeFence, FenceScale> = {
  // Docker refuses a memory limit under 6 MiB.
  memory: {
    kind: "size",
    low: 8 * MiB,
    high: GiB,
    floor: 6 * MiB,
    grid: MiB,
    step: sizeStep(MiB),
    unit: MiB,
  },
  disk: {
    kind: "size",
    low: MiB,
    high: GiB,
    floor: MiB,
    grid: MiB,
    step: sizeStep(MiB),
    unit: MiB,
  },
  stack: {
    kind: "size",
    low: 64 * KiB,
    high: 64 * MiB,
    floor: 16 * KiB,
    grid: 4 * KiB,
    step: sizeStep(16 * KiB),
    unit: 64 * KiB,
  },
  // runc itself cannot start a container under 12 descriptors.
  nofile: { kind: "count", low: 12, high: 4096, floor: 12, grid: 1, step: () => 1, unit: 1 },
  // The command enters its container through the engine (docker exec), which the pids fence
  // does not count: at 1, brink exec could not start it, but a squeeze try would.
  pids: { kind: "count", low: 2, high: 1024, floor: 2, grid: 1, step: () => 1, unit: 1 },
};

/**
 * A fence's value as people write it: sizes as flags take them (68m, 512k), counts as numbers.
 *
 * @example
 * formatFence("memory", 71303168) // "68m"
 * formatFence("nofile", 52) // "52"
 */
export function formatFence(fence: SqueezeFence, v: number): string {
  return SCALES[fence].kind === "size" ? formatSize(v) : String(v);
}

/**
 * Rounds up to a value people write as a limit: in `unit`s, exact below 8, else the next of
 * 4, 5, 6 or 7 times a power of two (quarter octaves: 64, 80, 96, 112, 128, 160, ...).
 *
 * @example
 * niceUp(214 * 2 ** 20, 2 ** 20) // 224 MiB
 * niceUp(60, 1) // 64
 */
export function niceUp(v: number, unit: number): number {
  const u = Math.ceil(v / unit);
  if (u <= 8) return u * unit;
  const octave = 2 ** Math.floor(Math.log2(u / 4));
  for (const m of [4, 5, 6, 7, 8]) if (m * octave >= u) return m * octave * unit;
  return 8 * octave * unit;
}

/**
 * The container fences of one try: the base fences with `fence` set to `v`. A disk try gets
 * memory for its tmpfs on top of the base memory (tmpfs pages are charged to memory), so a
 * full disk ends in ENOSPC, not an OOM kill.
 *
 * @example
 * tryLimits(DEFAULT_LIMITS, "disk", 50 * 2 ** 20).memory // 128m + 50m
 */
export function tryLimits(base: Limits, fence: SqueezeFence, v: number): Limits {
  if (fence === "disk") return { ...base, disk: v, memory: base.memory + v };
  return { ...base, [fence]: v };
}

/**
 * The fences the check runs under, after CMD: the cgroup fences (memory, pids) go back up to
 * at least the base ones, so a check is not judged by the squeeze of the command it checks.
 * nofile and stack cannot change in a running container: the check has the try's.
 *
 * @example
 * checkLimits(DEFAULT_LIMITS, tryLimits(DEFAULT_LIMITS, "memory", 40 * 2 ** 20)).memory // 128m
 */
export function checkLimits(base: Limits, tried: Limits): Limits {
  return {
    ...tried,
    memory: Math.max(tried.memory, base.memory),
    pids: Math.max(tried.pids, base.pids),
  };
}
