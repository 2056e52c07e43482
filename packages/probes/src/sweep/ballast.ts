import { closeSync, openSync, statfsSync, writeSync } from "node:fs";
import { join } from "node:path";

/** The file that takes up a disk sweep's room in /scratch, so that only the budget stays free. */
export const BALLAST = ".brink-ballast";

/**
 * Bytes free on the filesystem of `dir` for an unprivileged process.
 *
 * @example
 * freeBytes("/scratch") // 104857600 on an empty 100m tmpfs
 */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/**
 * Fills the filesystem of `dir` with a ballast file so that `keep` bytes stay free (rounded
 * down to its block size: tmpfs gives room in pages). Returns the bytes free after.
 *
 * @example
 * fillLeaving("/scratch", 8192) // 8192: the next 8 KiB of writes fit, then ENOSPC
 */
export function fillLeaving(dir: string, keep: number): number {
  const s = statfsSync(dir);
  let left = Math.ceil(Math.max(0, s.bavail * s.bsize - keep) / s.bsize) * s.bsize;
  const fd = openSync(join(dir, BALLAST), "w", 0o444);
  const chunk = Buffer.alloc(1 << 20, 0xba);
  try {
    while (left > 0) left -= writeSync(fd, chunk, 0, Math.min(chunk.length, left));
  } catch {
    // full already: nothing more to take
  } finally {
    closeSync(fd);
  }
  return freeBytes(dir);
}
