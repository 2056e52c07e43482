export { CATEGORY_FENCE } from "./category-fence.ts";
export { type ChannelLine, type ChannelWriter, channelReader, openChannel } from "./channel.ts";
export { errorCode, ProbeError, type ProbeErrorCode } from "./errors.ts";
export { loadSuite, probesOf, uniqueIds } from "./load-suite.ts";
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
export {
  type ProbeMeta,
  type ProbeResult,
  type RunnerEvent,
  validateEvent,
} from "./protocol.ts";
export { probeTimeout, type RunProbeOptions, runProbe } from "./run-probe.ts";
export { type Selection, selectProbes } from "./select-probes.ts";
export { builtinProbes } from "./suite/index.ts";
export type { StepEvent } from "./sweep/driver.ts";
export { splitCommand } from "./sweep/split-command.ts";
