import type { Fences } from "./read-fences.ts";

/** The fence names brink uses in reports, environment variables and requirements. */
export const FENCE_NAMES = ["memory", "disk", "stack", "nofile", "pids", "cpus"] as const;
export type FenceName = (typeof FENCE_NAMES)[number];

/** One number per fence, as reports show it: bytes, counts or cpus; null where none holds. */
export type FenceSummary = Record<FenceName, number | null>;

/** A summary with no fence at all: what a report shows before anything was read. */
export const NO_FENCES: FenceSummary = Object.freeze({
  memory: null,
  disk: null,
  stack: null,
  nofile: null,
  pids: null,
  cpus: null,
});

/** The environment variable that carries a requested fence, e.g. BRINK_FENCE_MEMORY. */
export function fenceEnvName(name: FenceName): string {
  return `BRINK_FENCE_${name.toUpperCase()}`;
}

/**
 * The fences that hold, as a report shows them, counting only limits this process cannot
 * raise: memory plus the swap allowed on top (none when swap is unlimited or unknown), the
 * scratch directory's total bytes, the hard stack and nofile limits (a process may raise its
 * soft limit up to the hard one, so an unlimited hard limit is no fence whatever the soft one
 * says), pids and cpus; and none for a fence in `raisable`.
 *
 * @example
 * summarizeFences(readFences()) // { memory: 134217728, disk: 104857600, stack: 1048576, ... }
 */
export function summarizeFences(f: Fences): FenceSummary {
  const held: FenceSummary = {
    memory: f.memory != null && f.swap != null ? f.memory + f.swap : null,
    disk: f.disk?.total ?? null,
    stack: f.stack.hard,
    nofile: f.nofile.hard,
    pids: f.pids,
    cpus: f.cpus,
  };
  for (const name of f.raisable) held[name] = null;
  return held;
}
