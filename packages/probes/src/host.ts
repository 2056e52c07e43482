/**
 * `@brink/probes/host`: what brink's host side needs from this package — the categories,
 * the runner's authenticated channel and event schema, suite loading, the sweep's types —
 * kept apart from the main entry both ways: a probe process of a user's suite imports the
 * main entry and needs none of this; the host needs none of the pressure generators.
 *
 * @example
 * import { channelReader, validateEvent } from "@brink/probes/host";
 */
export { CATEGORY_FENCE } from "./category-fence.ts";
export { type ChannelLine, type ChannelWriter, channelReader, openChannel } from "./channel.ts";
export { loadSuite, probesOf, uniqueIds } from "./load-suite.ts";
export {
  CATEGORIES,
  type Category,
  type Expectation,
  type Observed,
  type Status,
} from "./probe.ts";
export { PROBE_HOST_BUNDLE, PROBE_HOST_CHUNKS } from "./probe-host-bundle.ts";
export {
  type ProbeMeta,
  type ProbeResult,
  type RunnerEvent,
  validateEvent,
} from "./protocol.ts";
export type { StepEvent } from "./sweep/driver.ts";
export { splitCommand } from "./sweep/split-command.ts";
