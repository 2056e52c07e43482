import type { ContainerSpec } from "./container-spec.ts";
import type { DockerApi as Docker } from "./docker-api.ts";
import { type ContainerExit, type ContainerIO, runContainer } from "./run-container.ts";

/**
 * The engine as orchestration sees it: run one fenced container to its end, streaming its
 * output into `io`, and say how it ended. Docker is one implementation; tests of retries,
 * deaths and lost engines use a fake that scripts the runner's lines and the exit.
 */
export interface EngineClient {
  run(spec: ContainerSpec, io?: ContainerIO): Promise<ContainerExit>;
}

/**
 * The Docker (or Podman, through its Docker API) implementation of EngineClient.
 *
 * @example
 * const engine = dockerEngine(session.docker);
 * const exit = await engine.run(spec, { onLine: (l) => events.push(l), signal });
 */
export function dockerEngine(docker: Docker): EngineClient {
  return { run: (spec, io) => runContainer(docker, spec, io) };
}
