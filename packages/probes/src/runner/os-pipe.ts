import { closeSync } from "node:fs";
import { loadLibc, O_CLOEXEC } from "./libc.ts";

/**
 * A real kernel pipe (Bun's "pipe" stdio is a socket pair): the probe process's stdout and
 * stderr are a pipe, as they are for most programs, so probes that reopen or inspect their
 * stdio see what production code sees. Both ends are close-on-exec in the runner.
 * Null where libc cannot be reached; callers fall back to Bun's pipes.
 *
 * @example
 * const p = await osPipe(); // { read: 5, write: 6 }
 */
export async function osPipe(): Promise<{ read: number; write: number } | null> {
  const c = await loadLibc();
  if (!c) return null;
  const fds = new Int32Array(2);
  if (c.pipe2(fds, O_CLOEXEC) !== 0) return null;
  return { read: fds[0] as number, write: fds[1] as number };
}

/** Closes a descriptor, ignoring one already closed. */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {}
}
