import type { Limits } from "../engine/container-spec.ts";
import { BrinkError } from "../errors.ts";
import { formatSize, parseCount, parseCpus, parseSize } from "./units.ts";

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

/** The parser of each limit flag; every bad value is a usage error naming the flag. */
export const LIMIT_PARSERS: Record<keyof Limits, (value: string) => number> = {
  memory: (v) => parseSize("--memory", v),
  disk: (v) => parseSize("--disk", v),
  stack: (v) => parseSize("--stack", v),
  nofile: (v) => parseCount("--nofile", v),
  pids: (v) => parseCount("--pids", v, 4_194_304),
  cpus: (v) => parseCpus("--cpus", v),
};

/** The least each fence may be for Bun to start inside it. */
export const MINIMUM: Partial<Record<keyof Limits, number>> = {
  memory: 32 * MiB,
  stack: 256 * 1024,
  nofile: 32,
  pids: 16,
};

/** Checks fences Bun cannot live under. */
export function checkLimits(limits: Limits): void {
  for (const [name, min] of Object.entries(MINIMUM) as [keyof Limits, number][]) {
    if (limits[name] < min) {
      const show = name === "memory" || name === "stack" ? formatSize : String;
      throw new BrinkError(
        "USAGE",
        `--${name} ${show(limits[name])} cannot be honoured: Bun does not start under ${show(min)}; raise --${name} to at least ${show(min)}`,
      );
    }
  }
}

/**
 * Reads limit flags over the defaults and checks that Bun can live under them; each bad
 * value is a usage error naming it.
 *
 * @example
 * limitsFromFlags({ memory: "96m" }).memory // 100663296
 */
export function limitsFromFlags(v: Partial<Record<keyof Limits, string>>): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(LIMIT_PARSERS) as (keyof Limits)[]) {
    const value = v[name];
    if (value !== undefined) limits[name] = LIMIT_PARSERS[name](value);
  }
  checkLimits(limits);
  return limits;
}
