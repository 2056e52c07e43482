import { readFileSync } from "node:fs";

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

/**
 * The nproc ulimit brink gives every container: this host's own hard limit, or null (leave
 * the engine's default) where it is unlimited or unknown (macOS, Windows). Podman's default
 * nproc can be above what the host allows, and runc then fails with "error setting rlimit
 * type 6". Not the pids fence: RLIMIT_NPROC counts every process of the uid on the host,
 * across containers, so a small value would make parallel containers fail each other.
 *
 * @example
 * const nproc = hostNproc(); // 96365 here
 */
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

/** The nproc entry of a container's Ulimits: none, or the host's hard limit. */
export function nprocUlimit(): { Name: string; Soft: number; Hard: number }[] {
  const n = hostNproc();
  return n === null ? [] : [{ Name: "nproc", Soft: n, Hard: n }];
}
