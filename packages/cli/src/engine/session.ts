import { ensureImage, type ProbeImage } from "./build-image.ts";
import { connectEngine } from "./connect.ts";
import type { DockerApi as Docker } from "./docker-api.ts";
import { dockerEngine, type EngineClient } from "./engine-client.ts";
import { newRunId } from "./labels.ts";
import { reapDeadRuns } from "./reaper.ts";

/** What a command needs of the engine: a client, its version and cgroup, the image, a run id. */
export interface EngineSession {
  docker: Docker;
  /** Runs fenced containers (the seam orchestration is tested through). */
  engine: EngineClient;
  version: string;
  cgroup: 1 | 2 | null;
  image: ProbeImage;
  runId: string;
  remote: boolean;
  /** The background removal of what dead runs left (started on connect); how many it removed. */
  reaped: Promise<number>;
}

/** What a command says while the image builds, unless it says it its own way. */
const sayBuilding = () => {
  process.stderr.write("brink: building the probe image (offline, once per change)...\n");
};

/**
 * Connects, starts reaping what dead runs left (in the background), reads the engine's
 * version and cgroup version, and makes sure the probe image is there (building it offline
 * when its inputs changed). Use it through a run scope (`openRunScope`), which traps
 * signals and removes the run's containers on every path.
 *
 * @example
 * const s = await openSession({ runId, signal, onBuild: () => log("building the probe image") });
 */
export async function openSession(
  options: { runId?: string; onBuild?: () => void; signal?: AbortSignal } = {},
): Promise<EngineSession> {
  const runId = options.runId ?? newRunId();
  const { docker, remote } = await connectEngine();
  const reaped = reapDeadRuns(docker);
  // At once: `info` alone takes the engine ~20 ms, and none of the three needs another.
  const [version, info, image] = await Promise.all([
    docker.version(),
    docker.info(),
    ensureImage(docker, { runId, onBuild: options.onBuild ?? sayBuilding, signal: options.signal }),
  ]);
  const cg = (info as { CgroupVersion?: string }).CgroupVersion;
  return {
    docker,
    engine: dockerEngine(docker),
    version: version.Version,
    cgroup: cg === "2" ? 2 : cg === "1" ? 1 : null,
    image,
    runId,
    remote,
    reaped,
  };
}
