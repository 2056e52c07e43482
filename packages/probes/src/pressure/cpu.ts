import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { CLASS_BRAND, type CpuThrottling, readCpuThrottling, throttlingSince } from "@brink/guard";
import { ProbeError } from "../errors.ts";
import { firstMessage, Pressure } from "./pressure.ts";
import { positive, requireFence } from "./require-fence.ts";

/** Options of {@link burnCpu}. */
export interface BurnCpuOptions {
  /** Busy worker threads. @default the cores this process sees (os.availableParallelism) */
  workers?: number;
  /** Burn this long, then stop by themselves (`finished` settles); without it, until released. */
  ms?: number;
}

/** What a burn did so far, since its workers started. */
export interface CpuSample {
  /** Wall-clock time since the workers started. */
  wallMs: number;
  /** CPU time this process used meanwhile, every thread (getrusage). */
  cpuMs: number;
  /** cpuMs / wallMs: the cores the process really got (at most the cpu fence). */
  effectiveCpus: number;
  /** Units of fixed work the workers finished: throughput is units / wallMs. */
  units: number;
  /** The cgroup's throttling meanwhile (cpu.stat): periods held back and for how long. */
  throttling: CpuThrottling;
}

/** Iterations of the integer loop a unit of work is (about 0.2 ms of one core). */
const UNIT = 100_000;

/** Worker threads burning the cpu quota until released (or until `ms` passes). */
export class CpuPressure extends Pressure {
  static override readonly [CLASS_BRAND] = "CpuPressure";
  readonly #control: Int32Array;
  readonly #counts: Int32Array;
  readonly #start: { wall: number; cpu: NodeJS.CpuUsage; throttling: CpuThrottling };
  readonly #pool: Worker[];

  constructor(
    /** Busy threads. */
    readonly workers: number,
    /** The cpu fence the guard read (cores), e.g. 0.25. */
    readonly quota: number | null,
    /** Settles with the last sample when the workers stop by themselves (`ms`) or are released. */
    readonly finished: Promise<CpuSample>,
    control: Int32Array,
    counts: Int32Array,
    start: { wall: number; cpu: NodeJS.CpuUsage; throttling: CpuThrottling },
    pool: Worker[],
  ) {
    super();
    this.#control = control;
    this.#counts = counts;
    this.#start = start;
    this.#pool = pool;
  }

  /** Units of work finished so far by every worker. */
  get units(): number {
    return unitsOf(this.#counts);
  }

  /**
   * What the burn did since its workers started: wall and CPU time, the cores it really got,
   * units done, and the cgroup's throttling (cpu.stat).
   *
   * @example
   * const s = burn.sample(); // { wallMs: 1500, cpuMs: 376, effectiveCpus: 0.25, units: 2048, ... }
   */
  sample(): CpuSample {
    return sampleSince(this.#start, this.units);
  }

  protected async free(): Promise<void> {
    Atomics.store(this.#control, 0, 1);
    await Promise.all(this.#pool.map((w) => w.terminate()));
  }
}

function unitsOf(counts: Int32Array): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += Atomics.load(counts, i);
  return n;
}

function sampleSince(
  start: { wall: number; cpu: NodeJS.CpuUsage; throttling: CpuThrottling },
  units: number,
): CpuSample {
  const wallMs = performance.now() - start.wall;
  const cpu = process.cpuUsage(start.cpu);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    effectiveCpus: wallMs > 0 ? +(cpuMs / wallMs).toFixed(3) : 0,
    units,
    throttling: throttlingSince(start.throttling, readCpuThrottling()),
  };
}

/**
 * Starts busy worker threads that use up the cpu fence (units of fixed integer work, all
 * started at once), for `ms` or until released. `sample()` tells the cores really got and
 * the throughput; `finished` settles when they stop.
 *
 * @example
 * await using burn = await burnCpu({ workers: 4, ms: 1500 });
 * const s = await burn.finished; // s.effectiveCpus ≈ the cpu fence, s.throttling.throttled > 0
 */
export async function burnCpu(options: BurnCpuOptions = {}): Promise<CpuPressure> {
  const { fences } = requireFence("cpus", "burnCpu");
  const workers = Math.floor(positive("workers", options.workers) ?? availableParallelism());
  const ms = positive("ms", options.ms) ?? 0;
  if (workers > 64)
    throw new ProbeError("BAD_OPTION", `workers must be at most 64, got ${workers}`);
  const control = new SharedArrayBuffer(8);
  const counts = new SharedArrayBuffer(4 * workers);
  const { Worker } = await import("node:worker_threads");
  const pool = Array.from(
    { length: workers },
    (_, index) =>
      new Worker(new URL("./cpu-worker.ts", import.meta.url), {
        workerData: { control, counts, index, ms, unit: UNIT },
      }),
  );
  const ends = pool.map(
    (w) =>
      new Promise<void>((resolve) => {
        w.once("exit", () => resolve());
        w.on("message", (m) => typeof m === "object" && resolve());
      }),
  );
  try {
    await Promise.all(pool.map((w) => firstMessage<"ready">(w)));
  } catch (e) {
    await Promise.all(pool.map((w) => w.terminate()));
    throw new ProbeError("WORKER_FAILED", `burnCpu: ${(e as Error).message}`, { cause: e });
  }
  const flags = new Int32Array(control);
  const units = new Int32Array(counts);
  const start = {
    wall: performance.now(),
    cpu: process.cpuUsage(),
    throttling: readCpuThrottling(),
  };
  Atomics.store(flags, 1, 1);
  Atomics.notify(flags, 1);
  const finished = Promise.all(ends).then(() => sampleSince(start, unitsOf(units)));
  return new CpuPressure(workers, fences.cpus, finished, flags, units, start, pool);
}
