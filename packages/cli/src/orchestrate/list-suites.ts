import { relative } from "node:path";
import type { ProbeMeta } from "@brink/probes/host";
import { channelReader, validateEvent } from "@brink/probes/host";
import type { ContainerSpec, Limits } from "../engine/container-spec.ts";
import { BrinkError } from "../errors.ts";
import type { RunContainer } from "./batch.ts";
import { RUNNER, RUNNER_ENV } from "./run-plan.ts";
import { readCached, suiteKey, writeCached } from "./suite-cache.ts";

/** How long listing may take in all: the runner allows a suite 30 s to load. */
const LIST_DEADLINE_MS = 45_000;

/** Where listing runs: an image, the project, a run id, the fences, a way to run it. */
export interface ListTarget {
  run: RunContainer;
  image: string;
  /** Host folder bound at /work (local engines); undefined when the image holds it. */
  project?: string;
  /** The container's uid:gid (the invoking user's when not root); CONTAINER_USER if unset. */
  user?: string;
  runId: string;
  limits: Limits;
  signal?: AbortSignal;
}

/**
 * The probes of suite files, read by the runner inside a fenced container: a suite's
 * top-level code is the user's code and never runs on the host. Cached by the contents of
 * the suite files and the files they import, so a warm `brink list` starts no container.
 *
 * @throws {BrinkError} USAGE when a suite does not load or defines its probes wrongly
 * @example
 * const metas = await listSuites(["/repo/my-suite.ts"], "/repo", openTarget, imageTag);
 */
export async function listSuites(
  suites: string[],
  projectRoot: string,
  open: () => Promise<ListTarget & { close(): Promise<void> }>,
  salt: string,
): Promise<ProbeMeta[]> {
  const key = suiteKey(suites, salt);
  const cached = readCached(key);
  if (cached) return cached;
  const target = await open();
  try {
    const metas = await listInContainer(suites, projectRoot, target);
    writeCached(key, metas);
    return metas;
  } finally {
    await target.close();
  }
}

/** Lists suites in a fenced container, no cache. */
export async function listInContainer(
  suites: string[],
  projectRoot: string,
  target: ListTarget,
): Promise<ProbeMeta[]> {
  const inContainer = suites.map((s) => `/work/${relative(projectRoot, s)}`);
  const back = new Map(inContainer.map((c, i) => [c, suites[i] as string]));
  const cmd = [
    "--config=/dev/null",
    RUNNER,
    "--list",
    ...inContainer.flatMap((s) => ["--suite", s]),
  ];
  const spec: ContainerSpec = {
    image: target.image,
    runId: target.runId,
    cmd,
    limits: target.limits,
    project: target.project,
    user: target.user,
    labels: { "dev.brink.category": "list" },
    env: RUNNER_ENV,
  };
  const reader = channelReader();
  let probes: ProbeMeta[] | null = null;
  let problem: string | null = null;
  let stderr = "";
  const local = new AbortController();
  const onAbort = () => local.abort(target.signal?.reason);
  target.signal?.addEventListener("abort", onAbort, { once: true });
  const deadline = setTimeout(
    () => local.abort("listing the suite took too long"),
    LIST_DEADLINE_MS,
  );
  const exit = await target
    .run(spec, {
      signal: local.signal,
      onStderr: (s) => {
        stderr = (stderr + s).slice(-2000);
      },
      onLine(line) {
        const got = reader.accept(line);
        if (got.kind === "lost") problem ??= `protocol error: ${got.why}`;
        if (got.kind !== "event") return;
        const e = validateEvent(got.event);
        if (typeof e === "string") problem ??= `protocol error: ${e}`;
        else if (e.event === "probes") probes = e.probes;
        else if (e.event === "bad-suite") problem ??= e.message;
        else if (e.event === "refused") problem ??= `the guard refused: ${e.message}`;
      },
    })
    .finally(() => {
      clearTimeout(deadline);
      target.signal?.removeEventListener("abort", onAbort);
    });
  if (target.signal?.aborted) throw new BrinkError("INTERRUPTED", String(target.signal.reason));
  const found = probes as ProbeMeta[] | null;
  if (!found) {
    const why =
      problem ??
      exit.killedBy ??
      `the runner ended with exit ${exit.exitCode}: ${stderr.trim().split("\n").slice(-2).join(" | ")}`;
    throw new BrinkError("USAGE", `--suite: ${hostPaths(why, back)}`);
  }
  return found;
}

/** Names files as the user knows them, not as the container does. */
function hostPaths(text: string, back: Map<string, string>): string {
  let out = text;
  for (const [inside, host] of back) out = out.split(inside).join(host);
  return out;
}
