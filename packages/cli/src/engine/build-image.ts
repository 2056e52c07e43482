import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BrinkError } from "../errors.ts";
import { bundleProbeHost } from "./bundle-probe-host.ts";
import type { DockerApi as Docker } from "./docker-api.ts";
import {
  collectImageInputs,
  type ImageBase,
  type ImageInputs,
  parentDirs,
} from "./image-inputs.ts";
import { LABEL, LABEL_INPUTS, LABEL_RUN, LABEL_SOURCE } from "./labels.ts";
import { pruneProbeImages, sourceKey } from "./prune-images.ts";

/** The probe image to run, and whether this call built it. */
export interface ProbeImage {
  tag: string;
  hash: string;
  built: boolean;
}

/**
 * Writes the build context of `inputs` into `dir`, copying each file. Not hard links: two
 * brink commands building at once (a test file, parallel CI jobs) each link the same
 * inputs, every link changes the inode's ctime, and tar then fails with "file changed as
 * we read it" (seen: two of four concurrent first runs exited 3).
 */
export function writeContext(inputs: ImageInputs, dir: string): void {
  for (const d of parentDirs(inputs.files)) mkdirSync(join(dir, d), { recursive: true });
  for (const f of inputs.files) {
    const to = join(dir, f.dest);
    if (f.text !== undefined) writeFileSync(to, f.text);
    else copyFileSync(f.src as string, to);
  }
}

/**
 * Writes the build context of `inputs` into `dir` and bundles the probe host there: all an
 * image build needs before the engine gets the context.
 *
 * @example
 * await prepareContext(collectImageInputs(), dir);
 */
export async function prepareContext(inputs: ImageInputs, dir: string): Promise<void> {
  writeContext(inputs, dir);
  await bundleProbeHost(inputs, dir);
}

/**
 * Builds an image from a context directory. Build errors come back inside the output, not
 * as err, so the output is searched for them; aborting abandons the build.
 *
 * @example
 * await buildContext(docker, dir, { tag: "brink-probe:abc", labels: { "dev.brink": "1" } });
 */
export async function buildContext(
  docker: Docker,
  dir: string,
  image: { tag: string; labels: Record<string, string> },
  signal?: AbortSignal,
): Promise<void> {
  // The context is packed with tar(1), streamed as it is made.
  const tar = Bun.spawn(["tar", "-cf", "-", "-C", dir, "."], { stdout: "pipe", stderr: "pipe" });
  // Interrupted: stop feeding the context and drop the connection, so the engine abandons
  // the build instead of finishing and tagging it.
  const dropped = new AbortController();
  const stop = () => {
    tar.kill();
    dropped.abort(signal?.reason);
  };
  if (signal?.aborted) stop();
  signal?.addEventListener("abort", stop, { once: true });
  const output = await docker
    .buildImage(
      tar.stdout,
      { t: image.tag, rm: true, forcerm: true, labels: image.labels },
      dropped.signal,
    )
    .finally(() => signal?.removeEventListener("abort", stop));
  if ((await tar.exited) !== 0)
    throw new Error(`tar failed: ${await new Response(tar.stderr).text()}`);
  const failed = output.find((o) => o.error || o.errorDetail);
  if (failed) throw new Error(failed.errorDetail?.message ?? failed.error);
}

/**
 * Returns the probe image, building it offline when its inputs changed (a content hash in
 * its tag and label), so a warm run starts at once. Build failures carry the engine's message.
 *
 * @example
 * const image = await ensureImage(docker, { runId, onBuild: () => spinner.start("building") });
 */
export async function ensureImage(
  docker: Docker,
  options: { runId: string; base?: ImageBase; onBuild?: () => void; signal?: AbortSignal },
): Promise<ProbeImage> {
  const inputs = collectImageInputs(options.base ?? imageBaseFromEnv());
  try {
    await docker.getImage(inputs.tag).inspect();
    return { tag: inputs.tag, hash: inputs.hash, built: false };
  } catch {
    // not there yet: build it
  }
  options.onBuild?.();
  const probes = inputs.packages.find((p) => p.name === "@brink/probes");
  const source = sourceKey(probes?.dir ?? inputs.hash);
  const dir = mkdtempSync(join(tmpdir(), "brink-image-"));
  try {
    await prepareContext(inputs, dir);
    const labels = {
      [LABEL]: "1",
      [LABEL_RUN]: options.runId,
      [LABEL_INPUTS]: inputs.hash,
      [LABEL_SOURCE]: source,
    };
    await buildContext(docker, dir, { tag: inputs.tag, labels }, options.signal);
  } catch (e) {
    if (options.signal?.aborted) {
      throw new BrinkError(
        "INTERRUPTED",
        `${options.signal.reason}: the probe image build was abandoned`,
        { cause: e },
      );
    }
    throw new BrinkError(
      "IMAGE_BUILD_FAILED",
      `building the probe image failed: ${(e as Error).message}`,
      { cause: e },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await pruneProbeImages(docker, source, inputs.tag);
  return { tag: inputs.tag, hash: inputs.hash, built: true };
}

/** BRINK_IMAGE_BASE=oven selects the official Bun base; anything else the offline build. */
export function imageBaseFromEnv(env = process.env): ImageBase {
  return env.BRINK_IMAGE_BASE === "oven" ? "oven" : "scratch";
}
