import { closeSync } from "node:fs";

type Pipe2 = (fds: Int32Array) => number;
let pipe2: Pipe2 | null | undefined;

/** libc's pipe2 through bun:ffi, loaded once; null where it cannot be had. */
async function loadPipe2(): Promise<Pipe2 | null> {
  if (pipe2 !== undefined) return pipe2;
  try {
    const { dlopen, FFIType, ptr } = await import("bun:ffi");
    const { symbols } = dlopen("libc.so.6", {
      pipe2: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
    });
    pipe2 = (fds) => symbols.pipe2(ptr(fds), 0o2000000 /* O_CLOEXEC */) as number;
  } catch {
    pipe2 = null;
  }
  return pipe2;
}

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
  const f = await loadPipe2();
  if (!f) return null;
  const fds = new Int32Array(2);
  if (f(fds) !== 0) return null;
  return { read: fds[0] as number, write: fds[1] as number };
}

/** Closes a descriptor, ignoring one already closed. */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {}
}
