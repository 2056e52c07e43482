import { availableParallelism } from "node:os";
import { readCpuThrottling } from "@brink/guard";

/** The p-quantile (0..1) of some numbers, rounded to 0.1 ms; 0 for none. */
export function quantile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const v = sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return Math.round(v * 10) / 10;
}

/** p50, p99 and max of some lateness samples, ms. */
export function lateness(values: readonly number[]): { p50: number; p99: number; max: number } {
  return { p50: quantile(values, 0.5), p99: quantile(values, 0.99), max: quantile(values, 1) };
}

/**
 * How late a `intervalMs` timer fires, tick by tick, for `ms`: the event loop's lag.
 *
 * @example
 * const lags = await loopLag(1000); // [0.2, 0.1, 74.9, ...]
 */
export async function loopLag(ms: number, intervalMs = 10): Promise<number[]> {
  const lags: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - last - intervalMs));
    last = now;
  }, intervalMs);
  await Bun.sleep(ms);
  clearInterval(timer);
  return lags;
}

/** The CFS period of this container's cpu fence, ms (100 when it cannot be read). */
export function cfsPeriodMs(): number {
  return readCpuThrottling().periodMs ?? 100;
}

/**
 * How late anything may be under a starved cpu quota before it counts as stuck: 20 CFS
 * periods (2 s with the usual 100 ms period). A thread of a throttled cgroup waits at most
 * the rest of a period to run again; 20 periods leave room for every thread of the process
 * sharing one quota and for a machine busy with other work.
 */
export function starvedBoundMs(): number {
  return 20 * cfsPeriodMs();
}

/** The cores this process can use at most: the cpu fence, or the cores it sees if fewer. */
export function usableCpus(quota: number | null): number {
  const cores = availableParallelism();
  return quota === null ? cores : Math.min(quota, cores);
}
