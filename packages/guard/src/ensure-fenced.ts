import { notStartedByBrink } from "./brink-identity.ts";
import { type ContainerInfo, detectContainer, type ReadOptions } from "./detect-container.ts";
import { GuardError } from "./errors.ts";
import { FENCE_NAMES, type FenceName, fenceEnvName, summarizeFences } from "./fence-summary.ts";
import { type Fences, readDisk, readFences, scratchDir } from "./read-fences.ts";

/** Upper bounds the fences must meet; each named one must be in force and no larger. */
export type FenceRequirements = Partial<Record<Exclude<FenceName, "disk">, number>> & {
  /** The disk fence: a directory whose filesystem holds at most `max` bytes. */
  disk?: number | { path?: string; max: number };
};

/** What {@link ensureFenced} found: the container evidence and the fences in force. */
export interface FencedContext {
  container: ContainerInfo;
  fences: Fences;
  /** The requirements that were checked (given, or read from BRINK_FENCE_*). */
  required: FenceRequirements;
}

/** Options of {@link ensureFenced}: where to read, and whether brink started this process. */
export interface EnsureOptions extends ReadOptions {
  /**
   * Skip the check that brink started this process (hostname `brink-$BRINK_TOKEN`): for
   * destructive tests in containers of your own. Only code can pass it; no environment
   * variable does. Everything else is still checked.
   * @default false
   */
  outsideBrink?: boolean;
}

const HOW_TO =
  "Run it through brink (brink run / brink exec), or in a container of your own with hard limits, BRINK_DESTRUCTIVE=1 and ensureFenced(requirements, { outsideBrink: true }).";

/** Reads BRINK_FENCE_* variables into requirements; a malformed value is a GuardError. */
export function requirementsFromEnv(env: Record<string, string | undefined>): FenceRequirements {
  const out: Record<string, number> = {};
  for (const name of FENCE_NAMES) {
    const raw = env[fenceEnvName(name)];
    if (raw === undefined || raw === "") continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) {
      throw new GuardError(
        "BAD_REQUIREMENT",
        `${fenceEnvName(name)}=${raw} is not a positive number; set it to the limit in bytes or a count.`,
      );
    }
    out[name] = n;
  }
  return out as FenceRequirements;
}

/** Why a fence counts as none when a limit was read: it can be raised, or swap is open. */
function whyNone(name: FenceName, f: Fences): string {
  if (f.raisable.includes(name)) return `: this process could raise its ${name} limit itself`;
  if (name === "memory" && f.memory != null && f.swap == null) {
    return ": swap is unlimited or unknown, so memory is not bounded (set --memory-swap equal to --memory)";
  }
  if ((name === "stack" || name === "nofile") && f[name].soft != null && f[name].hard == null) {
    return `: only the soft ${name} limit is set, and a process may raise it (set the hard limit too)`;
  }
  return "";
}

function fmt(n: number): string {
  return n >= 2 ** 20 ? `${n} (${(n / 2 ** 20).toFixed(1)} MiB)` : String(n);
}

/**
 * Refuses destructive work unless BRINK_DESTRUCTIVE=1 is set, this process is one brink
 * started for this run (hostname `brink-` + BRINK_TOKEN; skipped with `outsideBrink`), a
 * container is detected, and every required fence is in force, cannot be raised by this
 * process, and is no larger than asked. With no requirements, every fence named in a
 * BRINK_FENCE_* variable is checked. Returns what it read.
 *
 * @throws {GuardError} code NOT_DESTRUCTIVE, NOT_BRINK, NOT_CONTAINED, FENCE_MISSING, FENCE_TOO_LARGE or BAD_REQUIREMENT
 * @example
 * const { fences } = ensureFenced({ memory: 128 * 2 ** 20, nofile: 256, disk: { path: "/scratch", max: 100 * 2 ** 20 } });
 * // in a container of your own, not started by brink:
 * ensureFenced({ memory: 256 * 2 ** 20 }, { outsideBrink: true });
 */
export function ensureFenced(
  requirements?: FenceRequirements,
  options: EnsureOptions = {},
): FencedContext {
  const env = options.env ?? process.env;
  if (env.BRINK_DESTRUCTIVE !== "1") {
    throw new GuardError(
      "NOT_DESTRUCTIVE",
      `refusing destructive work: BRINK_DESTRUCTIVE is not 1. ${HOW_TO}`,
    );
  }
  const notBrink = options.outsideBrink ? null : notStartedByBrink(options);
  if (notBrink) {
    throw new GuardError(
      "NOT_BRINK",
      `refusing destructive work: this process is not one brink started for this run (${notBrink}; brink gives each container the hostname brink-$BRINK_TOKEN). Run it through brink (brink run / brink exec); in a container of your own, call ensureFenced(requirements, { outsideBrink: true }).`,
    );
  }
  const container = detectContainer(options);
  if (!container.contained) {
    throw new GuardError(
      "NOT_CONTAINED",
      `refusing destructive work: no container detected (no /.dockerenv, /run/.containerenv, container cgroup, or overlay root). ${HOW_TO}`,
    );
  }
  const required = requirements ?? requirementsFromEnv(env);
  if (!requirements && Object.keys(required).length === 0) {
    // Markers alone prove little (some VMs carry a /.dockerenv): something must be checked.
    throw new GuardError(
      "FENCE_MISSING",
      `refusing destructive work: no fence was asked for (no BRINK_FENCE_* variable, no requirements). ${HOW_TO}`,
    );
  }
  const fences = readFences(options);
  const have = summarizeFences(fences);
  for (const [name, want] of Object.entries(required) as [
    FenceName,
    FenceRequirements[FenceName],
  ][]) {
    if (want === undefined) continue;
    const limit = typeof want === "number" ? want : want.max;
    let actual = have[name];
    if (name === "disk") {
      const path = typeof want === "object" ? (want.path ?? scratchDir(env)) : scratchDir(env);
      actual = fences.raisable.includes("disk")
        ? null
        : (readDisk(options.root ?? "/", path)?.total ?? null);
    }
    if (actual == null) {
      throw new GuardError(
        "FENCE_MISSING",
        `refusing destructive work: no ${name} fence is in force (wanted at most ${fmt(limit)})${whyNone(name, fences)}. ${HOW_TO}`,
      );
    }
    if (actual > limit) {
      throw new GuardError(
        "FENCE_TOO_LARGE",
        `refusing destructive work: the ${name} fence is ${fmt(actual)}, larger than the ${fmt(limit)} asked. Lower the container's ${name} limit.`,
      );
    }
  }
  return { container, fences, required };
}
