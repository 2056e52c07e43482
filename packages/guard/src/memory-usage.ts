import { cgroupLayout, readCgroupFile, readCgroupNumber, readKeyed } from "./cgroup.ts";
import type { ReadOptions } from "./detect-container.ts";

/** Memory charged to this cgroup now, and OOM kills seen in it. */
export interface MemoryUsage {
  /** Bytes charged now (v2 memory.current, v1 memory.usage_in_bytes). */
  current: number | null;
  /** OOM kills in this cgroup (v2 memory.events oom_kill, v1 memory.oom_control oom_kill). */
  oomKills: number | null;
}

/**
 * Reads the cgroup's memory charge and OOM-kill count.
 *
 * @example
 * const { current, oomKills } = readMemoryUsage();
 */
export function readMemoryUsage(options: ReadOptions = {}): MemoryUsage {
  const root = options.root ?? "/";
  const layout = cgroupLayout(root);
  const v2 = layout.version === 2;
  return {
    current: readCgroupNumber(
      root,
      layout,
      "memory",
      v2 ? "memory.current" : "memory.usage_in_bytes",
    ),
    oomKills: readKeyed(
      readCgroupFile(root, layout, "memory", v2 ? "memory.events" : "memory.oom_control"),
      "oom_kill",
    ),
  };
}
