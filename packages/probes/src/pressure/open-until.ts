import { openSync } from "node:fs";
import { errorCode } from "../errors.ts";

/**
 * Opens `path` again and again until opening fails or `count` descriptors are open
 * (count < 0 or Infinity: until it fails). Used on the calling thread and by fd workers.
 *
 * @example
 * const { fds, error } = openUntil("/dev/null", "r", -1); // error === "EMFILE"
 */
export function openUntil(
  path: string,
  flags: string,
  count: number,
): { fds: number[]; error: string | null } {
  const fds: number[] = [];
  while (count < 0 || fds.length < count) {
    try {
      fds.push(openSync(path, flags));
    } catch (e) {
      return { fds, error: errorCode(e) };
    }
  }
  return { fds, error: null };
}
