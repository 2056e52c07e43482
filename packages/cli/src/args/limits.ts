import type { Limits } from "../engine/container-spec.ts";
import { parseCount, parseCpus, parseSize } from "./units.ts";

const MiB = 2 ** 20;

/** The default fences of DESIGN.md. */
export const DEFAULT_LIMITS: Limits = {
  memory: 128 * MiB,
  disk: 100 * MiB,
  stack: 1048576,
  nofile: 256,
  pids: 100,
  cpus: 1,
};

/** The parseArgs options every command with fences takes. */
export const LIMIT_OPTIONS = {
  memory: { type: "string" },
  disk: { type: "string" },
  stack: { type: "string" },
  nofile: { type: "string" },
  pids: { type: "string" },
  cpus: { type: "string" },
} as const;

/** Reads limit flags over the defaults; each bad value is a usage error naming it. */
export function limitsFromFlags(v: Partial<Record<keyof Limits, string>>): Limits {
  return {
    memory: v.memory !== undefined ? parseSize("--memory", v.memory) : DEFAULT_LIMITS.memory,
    disk: v.disk !== undefined ? parseSize("--disk", v.disk) : DEFAULT_LIMITS.disk,
    stack: v.stack !== undefined ? parseSize("--stack", v.stack) : DEFAULT_LIMITS.stack,
    nofile: v.nofile !== undefined ? parseCount("--nofile", v.nofile) : DEFAULT_LIMITS.nofile,
    pids: v.pids !== undefined ? parseCount("--pids", v.pids, 4_194_304) : DEFAULT_LIMITS.pids,
    cpus: v.cpus !== undefined ? parseCpus("--cpus", v.cpus) : DEFAULT_LIMITS.cpus,
  };
}
