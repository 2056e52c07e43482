/**
 * Where the probe image may carry a bundle of probe-host.ts, relative to this package's
 * src/: in pressure/, beside the worker files the generators load by relative URL, so those
 * URLs resolve the same from the bundle as from the sources. The CLI writes it when it
 * builds the image; the runner starts it when it is there (one file to load instead of ~30
 * TypeScript modules: ~4 ms less CPU for each probe's process), the sources otherwise.
 */
export const PROBE_HOST_BUNDLE = "pressure/probe-host.bundle.js";
/** How the bundle's shared chunks are named (beside it). */
export const PROBE_HOST_CHUNKS = "probe-host.chunk-[hash].[ext]";
