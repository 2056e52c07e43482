import { errorCode } from "../errors.ts";

/** How recovery went: the first success's value, when it came, and how many tries it took. */
export interface Recovery<T> {
  value: T | null;
  /** ms from the release to the first successful operation; null when none succeeded in time. */
  recoveryMs: number | null;
  tries: number;
  /** The last failure's code (or name), when any try failed. */
  lastError: string | null;
}

/**
 * Tries `op` until it succeeds (returns without throwing) or `limitMs` passes, and times
 * the recovery from `releasedAt` (a `performance.now()` taken when the pressure was
 * released) to the first success: what every category's recovery probe reports as
 * `observed.recoveryMs`.
 *
 * @example
 * const released = performance.now();
 * await fds.release();
 * const r = await recover(released, () => closeSync(openSync("/dev/null", "r")));
 * r.recoveryMs // 0
 */
export async function recover<T>(
  releasedAt: number,
  op: () => T | Promise<T>,
  limitMs = 10_000,
): Promise<Recovery<T>> {
  let tries = 0;
  let lastError: string | null = null;
  for (;;) {
    tries++;
    try {
      const value = await op();
      return { value, recoveryMs: Math.round(performance.now() - releasedAt), tries, lastError };
    } catch (e) {
      lastError = errorCode(e);
    }
    if (performance.now() - releasedAt >= limitMs)
      return { value: null, recoveryMs: null, tries, lastError };
    await Bun.sleep(5);
  }
}
