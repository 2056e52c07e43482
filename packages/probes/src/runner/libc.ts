/** The few libc calls the runner makes that Bun has no API for, through bun:ffi. */
export interface Libc {
  /** pipe2(fds, flags): 0, or -1. */
  pipe2(fds: Int32Array, flags: number): number;
  /** dup3(oldfd, newfd, flags): newfd, or -1. */
  dup3(oldfd: number, newfd: number, flags: number): number;
}

/** O_CLOEXEC on Linux. */
export const O_CLOEXEC = 0o2000000;

let libc: Libc | null | undefined;

/**
 * libc, loaded once; null where it cannot be had (callers fall back).
 *
 * @example
 * const c = await loadLibc();
 * if (c) c.dup3(fd, 255, O_CLOEXEC);
 */
export async function loadLibc(): Promise<Libc | null> {
  if (libc !== undefined) return libc;
  try {
    const { dlopen, FFIType, ptr } = await import("bun:ffi");
    const { symbols } = dlopen("libc.so.6", {
      pipe2: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
      dup3: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    });
    libc = {
      pipe2: (fds, flags) => symbols.pipe2(ptr(fds), flags) as number,
      dup3: (oldfd, newfd, flags) => symbols.dup3(oldfd, newfd, flags) as number,
    };
  } catch {
    libc = null;
  }
  return libc;
}
