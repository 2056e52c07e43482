import { createOptions, type Limits } from "../engine/container-spec.ts";
import type { Container, DockerApi as Docker } from "../engine/docker-api.ts";
import { engineError } from "../engine/engine-error.ts";
import { liveContainers } from "../engine/live-containers.ts";
import { ENGINE_CALL_MS, type ExecEnd, runExec, within } from "./squeeze-exec.ts";

/** Where the usage reader sits in the probe image. */
export const USAGE_READER = "/node_modules/@brink/probes/src/squeeze/usage.ts";

/** Everything one try needs: the command, its fences, and where the project is. */
export interface TrySpec {
  image: string;
  runId: string;
  command: string[];
  /** The check, already split into argv; run after the command on the same /scratch. */
  check?: string[];
  /** The command's fences (pids as `brink exec --pids` means it: init and the command). */
  limits: Limits;
  /** The fences the check runs under (the cgroup ones raised back up). */
  checkLimits: Limits;
  timeoutMs: number;
  project?: string;
  projectWritable?: boolean;
  user?: string;
  /** Read what the command used afterwards (a hint for the search). */
  readUsage?: boolean;
  labels?: Record<string, string>;
}

/** What the engine said about one try. */
export interface TryEnd {
  command: ExecEnd;
  check: ExecEnd | null;
  /** The engine's OOMKilled for the container: some process in it was OOM-killed. */
  oomKilled: boolean;
  /** The usage reader's line (unchecked text: a hint, see usage.ts), or null. */
  usage: string | null;
}

/** The holder process keeps the container up while the command and the check run in it. */
const holdSeconds = (timeoutMs: number) => String(Math.ceil((2 * timeoutMs) / 1000) + 60);

/**
 * One try in a fresh fenced container: a holder (`sleep`, one task) keeps it up; the command
 * runs in it through the engine (docker exec), so nothing of brink's sits in the fences
 * beside it and its exit code comes from the engine, not from the container. Then, on the
 * same /scratch, the usage reader and the check (under `checkLimits`). Last the container is
 * stopped and its OOMKilled read. Null when `signal` stopped it.
 *
 * @example
 * const end = await runTry(docker, { image, runId, command: ["bun", "parse.ts"], limits, checkLimits: limits, timeoutMs: 30_000 }, signal);
 */
export async function runTry(
  docker: Docker,
  spec: TrySpec,
  signal: AbortSignal,
): Promise<TryEnd | null> {
  if (signal.aborted) return null;
  // The holder is one task of its own: pids counts it on top of what `brink exec` would.
  const limits = { ...spec.limits, pids: spec.limits.pids + 1 };
  let container: Container;
  try {
    container = await within(
      docker.createContainer(
        createOptions({
          image: spec.image,
          runId: spec.runId,
          entrypoint: ["sleep"],
          cmd: [holdSeconds(spec.timeoutMs)],
          limits,
          project: spec.project,
          projectWritable: spec.projectWritable,
          user: spec.user,
          labels: spec.labels,
        }),
      ),
      ENGINE_CALL_MS,
      "creating the container",
    );
  } catch (e) {
    if (signal.aborted) return null;
    throw engineError(e, "creating the container");
  }
  const forget = liveContainers.add(container.id, () => container.remove({ force: true, v: true }));
  let killing: Promise<void> | null = null;
  const kill = () => {
    killing ??= container.kill().then(
      () => {},
      () => {},
    );
    return killing;
  };
  try {
    await within(container.start(), ENGINE_CALL_MS, "starting the container");
    const command = await runExec(container, spec.command, {
      timeoutMs: spec.timeoutMs,
      kill,
      signal,
    });
    if (signal.aborted) return null;
    let usage: string | null = null;
    let check: ExecEnd | null = null;
    if (!command.timedOut) {
      if (spec.readUsage) {
        const read = await runExec(container, ["bun", "--config=/dev/null", USAGE_READER], {
          timeoutMs: 10_000,
          kill,
          signal,
        });
        usage = read.exitCode === 0 ? read.stdout : null;
      }
      if (spec.check && !killing) {
        const c = spec.checkLimits;
        if (c.memory !== limits.memory || c.pids + 1 !== limits.pids) {
          // Best effort: an engine that cannot update a running container (some Podman
          // versions) runs the check under the try's fences.
          await within(
            container.update({ Memory: c.memory, MemorySwap: c.memory, PidsLimit: c.pids + 1 }),
            ENGINE_CALL_MS,
            "raising the fences for the check",
          ).catch(() => {});
        }
        check = await runExec(container, spec.check, { timeoutMs: spec.timeoutMs, kill, signal });
      }
    }
    if (signal.aborted) return null;
    await kill();
    let info = await within(container.inspect(), ENGINE_CALL_MS, "inspecting the container");
    for (let i = 0; info.State.Running && i < 100; i++) {
      await Bun.sleep(20);
      info = await within(container.inspect(), ENGINE_CALL_MS, "inspecting the container");
    }
    return { command, check, oomKilled: info.State.OOMKilled === true, usage };
  } catch (e) {
    if (signal.aborted) return null;
    throw engineError(e, "a squeeze try ran");
  } finally {
    await container.remove({ force: true, v: true }).catch(() => {});
    forget();
  }
}
