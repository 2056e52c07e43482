import { type CgroupLayout, cgroupLayout, readCgroupFile, readKeyed } from "./cgroup.ts";
import type { ReadOptions } from "./detect-container.ts";

/**
 * Evidence that the cpu fence bites: the CFS period and how often the cgroup was throttled.
 * Counters grow for the cgroup's whole life; compare two readings (see {@link throttlingSince}).
 */
export interface CpuThrottling {
  /** The CFS period in ms (v1 cpu.cfs_period_us, v2 the second field of cpu.max). */
  periodMs: number | null;
  /** Periods in which the cgroup had runnable threads (nr_periods). */
  periods: number | null;
  /** Periods in which it used up its quota and was held back (nr_throttled). */
  throttled: number | null;
  /** Time its threads spent held back, ms (v1 throttled_time ns, v2 throttled_usec). */
  throttledMs: number | null;
}

/**
 * Reads the cgroup's CFS period and throttling counters from cpu.stat (cgroup v1 and v2);
 * null for what is not there (no cpu controller, no quota ever set).
 *
 * @example
 * const before = readCpuThrottling();
 * burn();
 * const { throttled } = throttlingSince(before, readCpuThrottling()); // 12
 */
export function readCpuThrottling(options: ReadOptions = {}): CpuThrottling {
  const root = options.root ?? "/";
  const layout = cgroupLayout(root);
  const stat = readCgroupFile(root, layout, "cpu", "cpu.stat");
  const v2 = layout.version === 2;
  const time = readKeyed(stat, v2 ? "throttled_usec" : "throttled_time");
  const period = readPeriodUs(root, layout);
  return {
    periodMs: period === null ? null : period / 1000,
    periods: readKeyed(stat, "nr_periods"),
    throttled: readKeyed(stat, "nr_throttled"),
    throttledMs: time === null ? null : v2 ? time / 1000 : time / 1e6,
  };
}

/** The CFS period in µs: v2 cpu.max is "<quota|max> <period>", v1 has cpu.cfs_period_us. */
function readPeriodUs(root: string, layout: CgroupLayout): number | null {
  const text =
    layout.version === 2
      ? (readCgroupFile(root, layout, "cpu", "cpu.max") ?? "").trim().split(/\s+/)[1]
      : readCgroupFile(root, layout, "cpu", "cpu.cfs_period_us");
  const period = Number((text ?? "").trim());
  return text && period > 0 ? period : null;
}

/**
 * What happened between two readings: periods, throttled periods and ms held back (null
 * where either reading lacks the counter).
 *
 * @example
 * throttlingSince(before, readCpuThrottling()).throttled // periods throttled since `before`
 */
export function throttlingSince(before: CpuThrottling, after: CpuThrottling): CpuThrottling {
  const d = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  return {
    periodMs: after.periodMs,
    periods: d(before.periods, after.periods),
    throttled: d(before.throttled, after.throttled),
    throttledMs: d(before.throttledMs, after.throttledMs),
  };
}
