import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { BrinkError } from "../errors.ts";
import { DockerApi as Docker } from "./docker-api.ts";

/** Where an engine was found. */
export interface EngineEndpoint {
  docker: Docker;
  /** DOCKER_HOST or the socket path, for messages. */
  address: string;
  remote: boolean;
}

/** The sockets tried, in order, when DOCKER_HOST is not set. */
export function candidateSockets(env = process.env): string[] {
  const run = env.XDG_RUNTIME_DIR;
  return [
    "/var/run/docker.sock",
    ...(run ? [join(run, "docker.sock"), join(run, "podman", "podman.sock")] : []),
    "/run/podman/podman.sock",
    join(homedir(), ".docker", "run", "docker.sock"),
    join(homedir(), ".colima", "default", "docker.sock"),
  ];
}

function fromHost(host: string): Docker {
  const url = new URL(host);
  if (url.protocol === "unix:") return new Docker({ socketPath: url.pathname });
  if (url.protocol === "tcp:" || url.protocol === "http:" || url.protocol === "https:") {
    const scheme = url.protocol === "https:" ? "https" : "http";
    return new Docker({ baseUrl: `${scheme}://${url.hostname}:${Number(url.port) || 2375}` });
  }
  throw new BrinkError(
    "ENGINE_UNREACHABLE",
    `DOCKER_HOST=${host} is not unix://, tcp:// or https://; fix or unset it`,
  );
}

async function answers(docker: Docker, ms: number): Promise<boolean> {
  const timeout = new Promise<false>((r) => setTimeout(() => r(false), ms).unref());
  return Promise.race([
    docker.ping().then(
      () => true as const,
      () => false as const,
    ),
    timeout,
  ]);
}

/**
 * Finds an engine the way users expect: DOCKER_HOST, then the usual Docker and Podman
 * sockets. Throws ENGINE_UNREACHABLE (exit 3) with what was tried and how to fix it.
 *
 * @example
 * const { docker, address } = await connectEngine();
 */
export async function connectEngine(env = process.env, timeoutMs = 5000): Promise<EngineEndpoint> {
  if (env.DOCKER_HOST) {
    const docker = fromHost(env.DOCKER_HOST);
    if (await answers(docker, timeoutMs)) {
      return { docker, address: env.DOCKER_HOST, remote: !env.DOCKER_HOST.startsWith("unix:") };
    }
    throw new BrinkError(
      "ENGINE_UNREACHABLE",
      `no engine answers at DOCKER_HOST=${env.DOCKER_HOST}; start that engine or unset DOCKER_HOST`,
    );
  }
  const tried = candidateSockets(env);
  for (const socketPath of tried.filter((p) => existsSync(p))) {
    const docker = new Docker({ socketPath });
    if (await answers(docker, timeoutMs)) return { docker, address: socketPath, remote: false };
  }
  throw new BrinkError(
    "ENGINE_UNREACHABLE",
    `no Docker engine answers (tried ${tried.join(", ")}). Start one (scripts/engine.sh on Linux, Docker Desktop on macOS) or set DOCKER_HOST.`,
  );
}
