import { brinkHostname, fenceEnvName, newBrinkToken } from "@brink/guard";
import type { ContainerCreateOptions } from "./docker-api.ts";
import { nprocUlimit } from "./host-nproc.ts";
import { LABEL, LABEL_RUN, ownerLabels } from "./labels.ts";

/** The fences of one container: bytes for sizes, counts, cpus. */
export interface Limits {
  memory: number;
  disk: number;
  stack: number;
  nofile: number;
  pids: number;
  cpus: number;
}

/** What brink asks the engine for, before it becomes the engine's create options. */
export interface ContainerSpec {
  image: string;
  runId: string;
  cmd: string[];
  /** Overrides the image's entrypoint (bun), e.g. for `brink exec`. */
  entrypoint?: string[];
  limits: Limits;
  /** Host directory mounted read-only at /work (local engines only). */
  project?: string;
  /** Mount `project` read-write: only ever a private copy (`--writable-project`). */
  projectWritable?: boolean;
  /** `uid:gid` to run as instead of CONTAINER_USER (the invoking user, when not root). */
  user?: string;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /** More tmpfs mounts (path -> options), e.g. a private one for a sweep's strace log. */
  tmpfs?: Record<string, string>;
  /** The container's token (BRINK_TOKEN, hostname brink-<token>); a fresh random one if unset. */
  token?: string;
}

/** The user probes and commands run as: not root. */
export const CONTAINER_USER = "10001:10001";
export const SCRATCH = "/scratch";
/** /dev/shm's size: a tmpfs outside /scratch, so kept tiny to keep every byte inside a fence. */
export const SHM_BYTES = 2 ** 20;

/**
 * Turns a spec into create options with every fence and hardening of DESIGN.md: no
 * network, read-only root, all capabilities dropped, no new privileges, a non-root user,
 * Memory = MemorySwap, pids, cpus, nofile and stack ulimits, a size-limited tmpfs at
 * /scratch, a 1 MiB /dev/shm, the dev.brink labels with who made it (pid, host, start), and
 * a random per-container token: `BRINK_TOKEN=T` and hostname `brink-T`, which the guard
 * requires (a process cannot set its own hostname, so environment alone never opens it).
 *
 * @example
 * await docker.createContainer(createOptions({ image, runId, cmd: ["-e", "0"], limits }));
 */
export function createOptions(spec: ContainerSpec): ContainerCreateOptions {
  const { limits } = spec;
  // The guard opens only where hostname === "brink-" + BRINK_TOKEN: environment variables
  // or a /.dockerenv alone never prove a process runs in a container brink started.
  const token = spec.token ?? newBrinkToken();
  const env: Record<string, string> = {
    ...spec.env,
    BRINK_TOKEN: token,
    BRINK_DESTRUCTIVE: "1",
    BRINK_SCRATCH: SCRATCH,
    TMPDIR: SCRATCH,
    HOME: SCRATCH,
    [fenceEnvName("memory")]: String(limits.memory),
    [fenceEnvName("disk")]: String(limits.disk),
    [fenceEnvName("stack")]: String(limits.stack),
    [fenceEnvName("nofile")]: String(limits.nofile),
    [fenceEnvName("pids")]: String(limits.pids),
    [fenceEnvName("cpus")]: String(limits.cpus),
  };
  return {
    Image: spec.image,
    Cmd: spec.cmd,
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    Hostname: brinkHostname(token),
    User: spec.user ?? CONTAINER_USER,
    WorkingDir: "/work",
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: { ...spec.labels, ...ownerLabels(), [LABEL]: "1", [LABEL_RUN]: spec.runId },
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    HostConfig: {
      // A real init as PID 1: it reaps orphans, and the runner is not PID 1 (the kernel
      // ignores a PID 1's own fatal signals, so a probe could not kill its container).
      Init: true,
      NetworkMode: "none",
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Memory: limits.memory,
      MemorySwap: limits.memory,
      PidsLimit: limits.pids,
      NanoCpus: Math.round(limits.cpus * 1e9),
      Ulimits: [
        { Name: "nofile", Soft: limits.nofile, Hard: limits.nofile },
        { Name: "stack", Soft: limits.stack, Hard: limits.stack },
        // Podman's default nproc can be above what the host allows (nprocUlimit says why).
        ...nprocUlimit(limits.pids, spec.user),
      ],
      ShmSize: SHM_BYTES,
      Tmpfs: { [SCRATCH]: `rw,nosuid,nodev,size=${limits.disk},mode=1777`, ...spec.tmpfs },
      Binds: spec.project ? [`${spec.project}:/work:${spec.projectWritable ? "rw" : "ro"}`] : [],
      LogConfig: { Type: "json-file", Config: { "max-size": "20m", "max-file": "1" } },
    },
  };
}
