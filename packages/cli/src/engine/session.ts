import type Docker from "dockerode";
import { ensureImage, type ProbeImage } from "./build-image.ts";
import { connectEngine } from "./connect.ts";
import { newRunId } from "./labels.ts";

/** What a command needs of the engine: a client, its version and cgroup, the image, a run id. */
export interface EngineSession {
  docker: Docker;
  version: string;
  cgroup: 1 | 2 | null;
  image: ProbeImage;
  runId: string;
  remote: boolean;
}

/** What a command says while the image builds, unless it says it its own way. */
const sayBuilding = () => {
  process.stderr.write("brink: building the probe image (offline, once per change)...\n");
};

/**
 * Connects, reads the engine's version and cgroup version, and makes sure the probe image
 * is there (building it offline when its inputs changed).
 *
 * @example
 * const s = await openSession({ onBuild: () => log("building the probe image") });
 */
export async function openSession(
  options: { onBuild?: () => void; signal?: AbortSignal } = {},
): Promise<EngineSession> {
  const { docker, remote } = await connectEngine();
  const runId = newRunId();
  const [version, info] = await Promise.all([docker.version(), docker.info()]);
  const cg = (info as { CgroupVersion?: string }).CgroupVersion;
  const image = await ensureImage(docker, {
    runId,
    onBuild: options.onBuild ?? sayBuilding,
    signal: options.signal,
  });
  return {
    docker,
    version: version.Version,
    cgroup: cg === "2" ? 2 : cg === "1" ? 1 : null,
    image,
    runId,
    remote,
  };
}
