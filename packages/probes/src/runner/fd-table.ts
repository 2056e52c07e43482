import { closeSync, openSync } from "node:fs";
import { readProcLimits } from "@brink/guard";
import { loadLibc, O_CLOEXEC } from "./libc.ts";

/** The most descriptor slots {@link holdFdTableOpen} makes room for in each probe process. */
export const FD_TABLE_MAX = 4096;

/**
 * Keeps one close-on-exec descriptor open at the top of the runner's descriptor table
 * (the soft nofile limit less one, at most FD_TABLE_MAX - 1), so every probe process starts
 * with a table that size: a process's table is copied at fork at its parent's size, and
 * exec closes the descriptor but keeps the room. Linux grows a table by doubling, and in a
 * process with threads each growth waits for an RCU grace period (~10 ms): each probe
 * opening its first 250 descriptors paid ~30 ms for it, where the old shared process paid
 * once. Nothing a probe can observe changes: the same limit, the same lowest-free numbers.
 * Returns the descriptor held, or null.
 *
 * @example
 * await holdFdTableOpen(); // once, before the first probe
 */
export async function holdFdTableOpen(soft = readProcLimits().nofile.soft): Promise<number | null> {
  const c = await loadLibc();
  if (!c || soft === null || soft < 2) return null;
  const top = Math.min(soft, FD_TABLE_MAX) - 1;
  try {
    const fd = openSync("/dev/null", "r");
    const held = c.dup3(fd, top, O_CLOEXEC);
    closeSync(fd);
    return held === top ? held : null;
  } catch {
    return null;
  }
}
