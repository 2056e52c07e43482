import { readFileSync } from "node:fs";
import { CONTAINER_USER } from "./container-spec.ts";

/**
 * The hard "Max processes" limit of a /proc/<pid>/limits text, or null when unlimited or
 * absent.
 *
 * @example
 * parseNprocLimit("Max processes  96365  96365  processes\n"); // 96365
 */
export function parseNprocLimit(limits: string): number | null {
  const m = /^Max processes\s+(\S+)\s+(\S+)/m.exec(limits);
  const hard = Number(m?.[2]);
  return Number.isSafeInteger(hard) && hard > 0 ? hard : null;
}

let cached: number | null | undefined;

/** This host's own hard nproc limit (null where unlimited or unknown: macOS, Windows). */
export function hostNproc(): number | null {
  if (cached === undefined) {
    try {
      cached = parseNprocLimit(readFileSync("/proc/self/limits", "utf8"));
    } catch {
      cached = null;
    }
  }
  return cached;
}

/** The nproc ulimit brink gives its own user's containers when the host allows as much. */
export const NPROC = 4096;

/**
 * The nproc entry of a container's Ulimits. Podman (4.3) asks runc for an nproc above what
 * many hosts allow ("error setting rlimit type 6: operation not permitted"), so brink sets
 * one: 4096 (or this host's hard limit if lower), never below the pids fence, which stays
 * the binding limit (a cgroup). Not the pids fence itself: RLIMIT_NPROC counts every process
 * of the uid on the host, across containers, so parallel containers would starve each
 * other. None for the invoking user's uid (the count would include their own processes
 * outside; the engine's default stays).
 *
 * @example
 * nprocUlimit(100, undefined); // [{ Name: "nproc", Soft: 4096, Hard: 4096 }]
 * nprocUlimit(100, "1000:1000"); // []
 */
export function nprocUlimit(
  pids: number,
  user: string | undefined,
  host: number | null = hostNproc(),
): { Name: string; Soft: number; Hard: number }[] {
  if (user !== undefined && user !== CONTAINER_USER) return [];
  const n = Math.max(pids, Math.min(NPROC, host ?? NPROC));
  return [{ Name: "nproc", Soft: n, Hard: n }];
}
