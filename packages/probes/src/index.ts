/**
 * `@brink/probes`: what a suite needs — the probe API, the pressure generators, their
 * errors. Every probe process of a suite imports this, so it stays light: the host's
 * needs are in `@brink/probes/host`, the built-in suite in `@brink/probes/suite`.
 *
 * @example
 * import { defineProbe, verdict } from "@brink/probes";
 */
export { CATEGORY_FENCE } from "./category-fence.ts";
export { errorCode, ProbeError, type ProbeErrorCode } from "./errors.ts";
export * as pressure from "./pressure/index.ts";
export * from "./pressure/index.ts";
export {
  CATEGORIES,
  type Category,
  defineProbe,
  type Expectation,
  isDefinedProbe,
  isProbe,
  MAX_TIMEOUT_MS,
  type Observed,
  type Probe,
  type ProbeContext,
  type ProbeOutcome,
  type Status,
  verdict,
} from "./probe.ts";
export type { ProbeMeta, ProbeResult } from "./protocol.ts";
export { probeTimeout, type RunProbeOptions, runProbe } from "./run-probe.ts";
export { type Selection, selectProbes } from "./select-probes.ts";
