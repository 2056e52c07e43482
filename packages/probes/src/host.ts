/**
 * `@brink/probes/host`: what brink's host side needs from this package — the runner's
 * authenticated channel and event schema, suite loading, the sweep's types — kept out of
 * the main entry, which every probe process of a user's suite imports: node:crypto and
 * the rest cost each of those processes ~10 ms and are of no use to a probe.
 *
 * @example
 * import { channelReader, validateEvent } from "@brink/probes/host";
 */
export { CATEGORY_FENCE } from "./category-fence.ts";
export { type ChannelLine, type ChannelWriter, channelReader, openChannel } from "./channel.ts";
export { loadSuite, probesOf, uniqueIds } from "./load-suite.ts";
export { PROBE_HOST_BUNDLE, PROBE_HOST_CHUNKS } from "./probe-host-bundle.ts";
export {
  type ProbeMeta,
  type ProbeResult,
  type RunnerEvent,
  validateEvent,
} from "./protocol.ts";
export type { StepEvent } from "./sweep/driver.ts";
export { splitCommand } from "./sweep/split-command.ts";
