import { basename, dirname, join } from "node:path";
import { PROBE_HOST_BUNDLE, PROBE_HOST_CHUNKS } from "@brink/probes/host";
import type { ImageInputs } from "./image-inputs.ts";

/**
 * Bundles the probe host the image ships (and what it imports: the built-in suite, the
 * generators, the guard) into `PROBE_HOST_BUNDLE` inside the build context, one chunk per
 * category, so each probe's process loads a few JavaScript files instead of transpiling ~30
 * TypeScript modules. It is bundled from the installed packages the context copies, never
 * from the temporary context: Bun names chunks by a hash that includes the sources' paths,
 * and the same inputs must give the same bytes (else every build misses the engine's layer
 * cache). Derived from the image's inputs only, so their hash already covers it. Throws with
 * Bun's messages when bundling fails.
 *
 * @example
 * writeContext(inputs, dir);
 * await bundleProbeHost(inputs, dir);
 */
export async function bundleProbeHost(inputs: ImageInputs, contextDir: string): Promise<void> {
  const probes = inputs.packages.find((p) => p.name === "@brink/probes");
  if (!probes) throw new Error("the image carries no @brink/probes to bundle");
  const out = await Bun.build({
    entrypoints: [join(probes.dir, "src/probe-host.ts")],
    outdir: join(contextDir, "rootfs/node_modules/@brink/probes/src", dirname(PROBE_HOST_BUNDLE)),
    target: "bun",
    splitting: true,
    // No comments: they carry the sources' paths.
    minify: { whitespace: true },
    naming: { entry: basename(PROBE_HOST_BUNDLE), chunk: PROBE_HOST_CHUNKS },
    throw: false,
  });
  if (!out.success)
    throw new Error(`bundling the probe host failed: ${out.logs.map(String).join("; ")}`);
}
