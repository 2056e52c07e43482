import { join } from "node:path";
import { PROBE_HOST_BUNDLE, PROBE_HOST_CHUNKS } from "@brink/probes/host";

/** The probes package inside an image build context. */
const PROBES_IN_CONTEXT = "rootfs/node_modules/@brink/probes";

/**
 * Bundles the context's own copy of the probe host (and what it imports: the built-in
 * suite, the generators, the guard) into `PROBE_HOST_BUNDLE`, one chunk per category, so
 * each probe's process loads a few JavaScript files instead of transpiling ~30 TypeScript
 * modules. Derived from the image's inputs only, so the image's hash already covers it.
 * Throws with Bun's messages when bundling fails.
 *
 * @example
 * writeContext(inputs, dir);
 * await bundleProbeHost(dir);
 */
export async function bundleProbeHost(contextDir: string): Promise<void> {
  const pkg = join(contextDir, PROBES_IN_CONTEXT);
  const entry = join(pkg, "src/probe-host.ts");
  const out = await Bun.build({
    entrypoints: [entry],
    outdir: join(pkg, "src", PROBE_HOST_BUNDLE, ".."),
    target: "bun",
    splitting: true,
    naming: { entry: PROBE_HOST_BUNDLE.split("/").pop() as string, chunk: PROBE_HOST_CHUNKS },
    throw: false,
  });
  if (!out.success)
    throw new Error(`bundling the probe host failed: ${out.logs.map(String).join("; ")}`);
}
