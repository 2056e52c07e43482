import { type CgroupLayout, readCgroupFile } from "./cgroup.ts";
import { parseLimit, readText } from "./read-text.ts";

/** SwapTotal from `<root>/proc/meminfo` in bytes (a container sees the host's); null when unknown. */
export function readSwapTotal(root = "/"): number | null {
  const m = /^SwapTotal:\s+(\d+)\s*kB/m.exec(readText(root, "/proc/meminfo") ?? "");
  return m ? Number(m[1]) * 1024 : null;
}

/**
 * Swap this cgroup may use on top of its memory limit, in bytes; null when unlimited or
 * unknown, which leaves no memory fence. v2: memory.swap.max. v1: memory.memsw.limit_in_bytes
 * minus memory.limit_in_bytes. Where the cgroup does not account swap at all (no such file,
 * e.g. v1 without swapaccount=1), it is 0 only if the machine has no swap (SwapTotal 0).
 *
 * @example
 * readSwap("/", cgroupLayout("/"), 128 * 2 ** 20) // 0 when Memory = MemorySwap
 */
export function readSwap(root: string, layout: CgroupLayout, memory: number | null): number | null {
  if (layout.version === 2) {
    const max = readCgroupFile(root, layout, "memory", "memory.swap.max");
    if (max != null) return parseLimit(max);
  } else if (layout.version === 1) {
    const text = readCgroupFile(root, layout, "memory", "memory.memsw.limit_in_bytes");
    if (text != null) {
      const memsw = parseLimit(text);
      return memsw != null && memory != null ? Math.max(0, memsw - memory) : null;
    }
  }
  return readSwapTotal(root) === 0 ? 0 : null;
}
