import type { Category } from "@brink/probes/host";
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

/**
 * A category's own defaults, for the limits the user did not set (`Plan.limitsGiven`): the
 * cpu category needs a starved quota to show anything, so its container runs at 0.25 cpus.
 */
export const CATEGORY_DEFAULTS: Partial<Record<Category, Partial<Limits>>> = {
  cpu: { cpus: 0.25 },
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

/** A floor a fence may not go under, and why, as the error says it. */
export type Floors = Partial<Record<keyof Limits, { least: number; why: string }>>;

/**
 * The least each fence may be for `brink run`: the runner and a probe's process, two Bun
 * processes, live inside the memory fence together.
 */
export const MINIMUM: Floors = {
  memory: { least: 32 * MiB, why: "the runner and a probe's process (two Bun processes) need" },
  stack: { least: 256 * 1024, why: "Bun does not start under" },
  nofile: { least: 32, why: "Bun does not start under" },
  pids: { least: 16, why: "Bun does not start under" },
};

/** The least for `brink exec --check`: its wrapper and the command, two Bun processes, share the fence. */
export const CHECKED_COMMAND_MINIMUM: Floors = {
  ...MINIMUM,
  memory: {
    least: 32 * MiB,
    why: "with --check, its wrapper and the command (two Bun processes) need",
  },
};

/** The least for `brink sweep`: its driver and the program, two Bun processes, share the fence. */
export const SWEEP_MINIMUM: Floors = {
  ...MINIMUM,
  memory: { least: 32 * MiB, why: "the sweep's driver and the program (two Bun processes) need" },
};

/**
 * The least for one command of the user's (`brink exec`, `squeeze`): Bun alone
 * starts in ~6 MiB, and the engine starts no container under 6 MiB (squeeze measures below
 * 32 MiB, so exec must be able to run there too).
 */
export const COMMAND_MINIMUM: Floors = {
  ...MINIMUM,
  memory: { least: 6 * MiB, why: "the engine starts no container under" },
};

/** The limits given as sizes (a bare number is bytes). */
const SIZES: readonly (keyof Limits)[] = ["memory", "disk", "stack"];
/** A bare number below this, given as a size, is taken for a forgotten unit. */
const PAGE = 4096;

const shown = (name: keyof Limits, n: number) => (SIZES.includes(name) ? formatSize(n) : String(n));

/**
 * Checks one limit: a fence Bun cannot live under, or a size so small it must be a
 * forgotten unit (`--memory 64` is 64 bytes), is a usage error naming the flag, the value
 * and what to write instead. `raw` is the value as typed.
 *
 * @example
 * checkLimit("memory", 64, "64") // throws: --memory 64 is 64 bytes: did you mean 64m?
 */
export function checkLimit(
  name: keyof Limits,
  n: number,
  raw = String(n),
  floors: Floors = MINIMUM,
): void {
  const bare = SIZES.includes(name) && /^\s*\d+(\.\d+)?\s*$/.test(raw);
  if (bare && n < PAGE) {
    throw new BrinkError(
      "USAGE",
      `--${name} ${raw.trim()} is ${n} bytes: did you mean ${raw.trim()}m? (a size without a unit is bytes)`,
    );
  }
  const floor = floors[name];
  if (floor !== undefined && n < floor.least) {
    const min = shown(name, floor.least);
    throw new BrinkError(
      "USAGE",
      `--${name} ${bare ? `${raw.trim()} (bytes)` : shown(name, n)} cannot be honoured: ${floor.why} ${min}; raise --${name} to at least ${min}`,
    );
  }
}

/**
 * Parses one limit as a flag or a wizard answer gives it and checks it (`checkLimit`).
 *
 * @example
 * parseLimit("nofile", "64") // 64
 * parseLimit("nofile", "2") // throws: --nofile 2 cannot be honoured: Bun does not start under 32...
 */
export function parseLimit(name: keyof Limits, value: string, floors: Floors = MINIMUM): number {
  const n = LIMIT_PARSERS[name](value);
  checkLimit(name, n, value, floors);
  return n;
}

/** Checks fences Bun cannot live under. */
export function checkLimits(limits: Limits, floors: Floors = MINIMUM): void {
  for (const name of Object.keys(floors) as (keyof Limits)[])
    checkLimit(name, limits[name], undefined, floors);
}

/**
 * Reads limit flags over the defaults and checks each (`parseLimit`): every bad value is a
 * usage error naming it.
 *
 * @example
 * limitsFromFlags({ memory: "96m" }).memory // 100663296
 */
export function limitsFromFlags(
  v: Partial<Record<keyof Limits, string>>,
  floors: Floors = MINIMUM,
): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(LIMIT_PARSERS) as (keyof Limits)[]) {
    const value = v[name];
    if (value !== undefined) limits[name] = parseLimit(name, value, floors);
  }
  return limits;
}
