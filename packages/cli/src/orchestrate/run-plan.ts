import { relative } from "node:path";
import type { Category, ProbeResult } from "@brink/probes/host";
import { CATEGORY_DEFAULTS } from "../args/limits.ts";
import type { Plan } from "../args/plan.ts";
import type { ContainerSpec, Limits } from "../engine/container-spec.ts";
import type { DockerApi as Docker } from "../engine/docker-api.ts";
import { runContainer } from "../engine/run-container.ts";
import { runBatch } from "./batch.ts";
import type { ProbeInfo } from "./probe-info.ts";

/** Where the runner sits in the probe image. */
export const RUNNER = "/node_modules/@brink/probes/src/runner.ts";

/**
 * The runner's own JSC settings: compile and collect on its main thread. A probe may use up
 * the pids fence, and Bun aborts when it cannot start a thread it wants (seen: the runner
 * killed by SIGABRT mid-way through the pids category). The runner drops these before it
 * starts a probe's process, which gets Bun's defaults.
 */
export const RUNNER_ENV: Record<string, string> = {
  BUN_JSC_useConcurrentJIT: "0",
  BUN_JSC_useConcurrentGC: "0",
  BUN_JSC_numberOfGCMarkers: "1",
};

/**
 * A category's fences: its own defaults (`CATEGORY_DEFAULTS`: the cpu category runs at 0.25
 * cpus) for the limits not in `given` (every limit when `given` is absent), and the disk
 * container gets memory headroom above its tmpfs (tmpfs pages are charged to memory).
 *
 * @example
 * limitsFor("cpu", DEFAULT_LIMITS, []).cpus // 0.25
 * limitsFor("cpu", { ...DEFAULT_LIMITS, cpus: 2 }, ["cpus"]).cpus // 2
 */
export function limitsFor(
  category: Category,
  limits: Limits,
  given?: readonly (keyof Limits)[],
): Limits {
  const own = Object.entries(CATEGORY_DEFAULTS[category] ?? {}).filter(
    ([k]) => given !== undefined && !given.includes(k as keyof Limits),
  );
  const out: Limits = { ...limits, ...Object.fromEntries(own) };
  return category === "disk" ? { ...out, memory: out.memory + out.disk } : out;
}

/**
 * The runner's command line for some probes of a plan: the probes as the host knows them
 * (ids, categories, timeouts already capped by --timeout) and the suite files in the
 * container. `--config=/dev/null`: the project's bunfig.toml (its preload) is the user's
 * code, which runs only in probe processes, never in the runner.
 */
export function runnerCmd(probes: ProbeInfo[], suites: string[] = []): string[] {
  // No titles: the host has them, and the plan must stay far below Linux's 128 KiB for one
  // argument (batchesOf keeps a container to PROBES_PER_CONTAINER probes).
  const meta = probes.map(({ id, category, expected, timeoutMs }) => ({
    id,
    category,
    expected,
    timeoutMs,
  }));
  const cmd = ["--config=/dev/null", RUNNER, "--plan", JSON.stringify(meta)];
  for (const s of suites) cmd.push("--suite", s);
  return cmd;
}

/** A plan's suite files as the container sees them (the project is at /work). */
export function containerSuites(plan: Plan): string[] {
  return plan.suites.map((s) => `/work/${relative(plan.project, s)}`);
}

/**
 * Splits a category's probes into containers: the graceful ones together, each expected
 * kill alone. Under a fraction of a cpu (the cpu category's 0.25) every probe gets a
 * container of its own: such containers are light, so several run at once (see
 * {@link weightedPool}) instead of one slow container holding the whole run back.
 */
export function batchesOf(probes: ProbeInfo[], cpus = 1): ProbeInfo[][] {
  const graceful = probes.filter((p) => p.expected !== "killed");
  const killed = probes.filter((p) => p.expected === "killed").map((p) => [p]);
  if (cpus < 1) return [...graceful.map((p) => [p]), ...killed];
  const chunks: ProbeInfo[][] = [];
  for (let i = 0; i < graceful.length; i += PROBES_PER_CONTAINER)
    chunks.push(graceful.slice(i, i + PROBES_PER_CONTAINER));
  return [...chunks, ...killed];
}

/** The most probes one container runs (its plan is one argument of the runner's command line). */
export const PROBES_PER_CONTAINER = 200;

/**
 * Runs tasks in order of start while the weights of those running stay within `capacity`
 * (one task always runs, whatever its weight). A container's weight is the cpus it may use,
 * at most 1: four 0.25-cpu containers take the room of one.
 *
 * @example
 * await weightedPool(2, [{ weight: 1, run: a }, { weight: 0.25, run: b }]);
 */
export async function weightedPool<T>(
  capacity: number,
  tasks: { weight: number; run: () => Promise<T> }[],
): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  let used = 0;
  let running = 0;
  return new Promise<T[]>((resolve, reject) => {
    const startMore = () => {
      if (next >= tasks.length && running === 0) return resolve(out);
      while (next < tasks.length) {
        const i = next;
        const task = tasks[i] as { weight: number; run: () => Promise<T> };
        if (running > 0 && used + task.weight > capacity + 1e-9) break;
        next++;
        used += task.weight;
        running++;
        task.run().then((v) => {
          out[i] = v;
          used -= task.weight;
          running--;
          startMore();
        }, reject);
      }
    };
    startMore();
  });
}

/**
 * Runs a plan: per category, containers with that category's fences, in parallel up to
 * `plan.concurrency` cpus' worth of containers, longest first. Results arrive through
 * `onResult` as they are streamed.
 *
 * @example
 * const results = await runPlan(docker, plan, probes, { image, runId, onResult, signal });
 */
export async function runPlan(
  docker: Docker,
  plan: Plan,
  probes: ProbeInfo[],
  options: {
    image: string;
    /** Host folder to bind at /work; undefined when the image holds the project (remote engine). */
    project?: string;
    /** The container's uid:gid, and whether `project` is a private writable copy. */
    user?: string;
    writable?: boolean;
    runId: string;
    onResult: (r: ProbeResult) => void;
    onStart?: (c: Category) => void;
    signal: AbortSignal;
  },
): Promise<ProbeResult[]> {
  const tasks: { weight: number; size: number; run: () => Promise<ProbeResult[]> }[] = [];
  for (const category of plan.categories) {
    const mine = probes.filter((p) => p.category === category);
    const limits = limitsFor(category, plan.limits, plan.limitsGiven);
    const weight = Math.min(1, limits.cpus);
    for (const batch of batchesOf(mine, limits.cpus)) {
      const specFor = (left: ProbeInfo[]): ContainerSpec => ({
        image: options.image,
        runId: options.runId,
        cmd: runnerCmd(left, containerSuites(plan)),
        limits,
        project: options.project,
        projectWritable: options.writable,
        user: options.user,
        labels: { "dev.brink.category": category },
        env: RUNNER_ENV,
      });
      tasks.push({
        weight,
        // How long it will take, roughly: its probes, slower under a smaller quota.
        size: batch.length / weight,
        run: () => {
          options.onStart?.(category);
          return runBatch(
            (spec, io) => runContainer(docker, spec, io),
            specFor,
            batch,
            options.onResult,
            options.signal,
          );
        },
      });
    }
  }
  // The run cannot end before its longest container: start the longest first.
  const ordered = [...tasks].sort((a, b) => b.size - a.size);
  return (await weightedPool(plan.concurrency, ordered)).flat();
}
