import type { FenceSummary, Fences } from "@brink/guard";
import { ProbeError } from "./errors.ts";
import type * as pressure from "./pressure/index.ts";

/** The resource a probe exhausts; also the container it runs in. */
export const CATEGORIES = ["oom", "disk", "stack", "fd", "pids", "cpu", "net"] as const;
export type Category = (typeof CATEGORIES)[number];

/** What the probe's code should do under pressure: fail gracefully, or be killed by the fence. */
export type Expectation = "graceful" | "killed";

/** A result's status. */
export type Status = "pass" | "fail" | "error" | "skip" | "killed";

/** What a probe saw: error codes, counts reached, recovery times, leaked descriptors... */
export type Observed = Record<string, unknown>;

/** What a probe's `run` gets. */
export interface ProbeContext {
  /** The fences the guard read inside this container. */
  fences: Fences;
  fence: FenceSummary;
  /** A directory of its own below the scratch directory, emptied after the probe. */
  scratch: string;
  /** Aborts when the probe's timeout passes. */
  signal: AbortSignal;
  /** Free text for the report of a failing probe (goes to stderr). */
  log(...parts: unknown[]): void;
  /** The pressure generators. */
  pressure: typeof pressure;
}

/** A probe's outcome as `run` returns it: pass or fail with what it observed. */
export interface ProbeOutcome {
  ok: boolean;
  message: string;
  observed: Observed;
}

/** A probe: one destructive check of one resource. */
export interface Probe {
  /** Unique id, `<category>.<name>`, e.g. "fd.exhaust-until-emfile". */
  id: string;
  category: Category;
  title: string;
  /** @default "graceful" */
  expected: Expectation;
  /** Per-probe timeout in ms. @default 30000 */
  timeoutMs?: number;
  run(ctx: ProbeContext): Promise<ProbeOutcome> | ProbeOutcome;
}

/**
 * Defines a probe, filling in defaults and checking the id.
 *
 * @example
 * export default defineProbe({
 *   id: "fd.my-pool-survives-emfile", category: "fd", title: "my pool survives EMFILE",
 *   async run(ctx) {
 *     await using fds = await ctx.pressure.openDescriptors({ kind: "file" });
 *     return verdict(fds.error === "EMFILE", `stopped at ${fds.opened}`, { opened: fds.opened });
 *   },
 * });
 */
export function defineProbe(probe: Omit<Probe, "expected"> & { expected?: Expectation }): Probe {
  if (
    typeof probe?.id !== "string" ||
    probe.id.length > 200 ||
    !/^[a-z0-9]+\.[a-z0-9][a-z0-9.-]*$/.test(probe.id)
  ) {
    throw new ProbeError(
      "BAD_SUITE",
      `probe id "${String(probe?.id).slice(0, 220)}" must look like "category.name" (lowercase, dashes, at most 200 characters)`,
    );
  }
  if (!CATEGORIES.includes(probe.category)) {
    throw new ProbeError(
      "BAD_SUITE",
      `probe ${probe.id}: category "${probe.category}" is not one of ${CATEGORIES.join(", ")}`,
    );
  }
  if (typeof probe.run !== "function") {
    throw new ProbeError("BAD_SUITE", `probe ${probe.id}: run must be a function`);
  }
  if (probe.title !== undefined && String(probe.title).length > 1000) {
    throw new ProbeError("BAD_SUITE", `probe ${probe.id}: title is longer than 1000 characters`);
  }
  const t = probe.timeoutMs;
  if (t !== undefined && !(typeof t === "number" && t >= 1 && t <= MAX_TIMEOUT_MS)) {
    throw new ProbeError(
      "BAD_SUITE",
      `probe ${probe.id}: timeoutMs ${String(t)} is not between 1 and ${MAX_TIMEOUT_MS} (1 ms to 1 h)`,
    );
  }
  const expected = probe.expected ?? "graceful";
  if (expected !== "graceful" && expected !== "killed") {
    throw new ProbeError(
      "BAD_SUITE",
      `probe ${probe.id}: expected "${String(expected)}" is not "graceful" or "killed"`,
    );
  }
  return Object.defineProperty(
    { ...probe, title: String(probe.title ?? probe.id), expected },
    BRAND,
    {
      value: true,
    },
  ) as Probe;
}

/** The longest timeout a probe may ask for: one hour. */
export const MAX_TIMEOUT_MS = 3_600_000;

/**
 * Marks objects made by {@link defineProbe}. A global symbol, so a suite that imports its
 * own installed copy of @brink/probes makes probes the runner's copy recognises.
 */
const BRAND = Symbol.for("dev.brink.probe");

/** Whether `value` was made by {@link defineProbe} (any copy of this package). */
export function isDefinedProbe(value: unknown): value is Probe {
  try {
    return typeof value === "object" && value !== null && BRAND in value;
  } catch {
    return false;
  }
}

/**
 * Builds a probe outcome from a condition and what was observed.
 *
 * @example
 * return verdict(err?.code === "ENOSPC", `write stopped with ${err?.code}`, { code: err?.code });
 */
export function verdict(ok: boolean, message: string, observed: Observed = {}): ProbeOutcome {
  return { ok, message, observed };
}

/**
 * Tells a probe-shaped object (an id and a run function) from anything else a suite module
 * exports, whether or not it was made with {@link defineProbe}.
 */
export function isProbe(value: unknown): value is Probe {
  try {
    const p = value as Probe;
    return (
      typeof p === "object" && p !== null && typeof p.id === "string" && typeof p.run === "function"
    );
  } catch {
    return false;
  }
}
