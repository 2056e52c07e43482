import { type FenceSummary, NO_FENCES } from "@brink/guard";
import { type ProbeResult, parseEventLine } from "@brink/probes";
import type Docker from "dockerode";
import type { ContainerSpec } from "../engine/container-spec.ts";
import { type ContainerExit, runContainer } from "../engine/run-container.ts";
import type { ProbeInfo } from "./probe-info.ts";
import { resultOfDeath } from "./result-of-death.ts";

/** Grace on top of a probe's own timeout before the host calls it hung. */
export const HANG_GRACE_MS = 5_000;

/** What one container of a batch produced. */
interface BatchOutcome {
  results: ProbeResult[];
  /** Probes that never started: they run again in a fresh container. */
  remaining: ProbeInfo[];
  exit: ContainerExit;
}

/** Keeps the last `max` characters of a text stream. */
function tail(max: number) {
  let text = "";
  return {
    push(s: string) {
      text = (text + s).slice(-max);
    },
    get text() {
      return text;
    },
  };
}

/**
 * Runs probes in one container and streams their events. If the container dies mid-suite,
 * the results already streamed are kept, the running probe gets the evidence, and the
 * probes after it come back as `remaining`.
 */
async function runOnce(
  docker: Docker,
  spec: ContainerSpec,
  probes: ProbeInfo[],
  onResult: (r: ProbeResult) => void,
  signal: AbortSignal,
): Promise<BatchOutcome> {
  const results: ProbeResult[] = [];
  const stderr = tail(64 * 1024);
  let fence: FenceSummary = NO_FENCES;
  let current: { probe: ProbeInfo; started: number } | null = null;
  let done = false;
  let refused: string | null = null;
  let watchdog: Timer | undefined;
  const local = new AbortController();
  const abort = () => local.abort(signal.reason);
  signal.addEventListener("abort", abort, { once: true });
  const byId = new Map(probes.map((p) => [p.id, p]));
  const exit = await runContainer(docker, spec, {
    signal: local.signal,
    onStderr: (s) => stderr.push(s),
    onLine(line) {
      const e = parseEventLine(line);
      if (!e) return;
      if (e.event === "fence") fence = e.fence;
      else if (e.event === "refused") refused = `${e.code}: ${e.message}`;
      else if (e.event === "start") {
        const probe = byId.get(e.id);
        if (!probe) return;
        current = { probe, started: performance.now() };
        clearTimeout(watchdog);
        const ms = (e.timeoutMs ?? probe.timeoutMs) + HANG_GRACE_MS;
        watchdog = setTimeout(() => local.abort(`hung: ${e.id} ran past its ${ms} ms`), ms);
      } else if (e.event === "result") {
        clearTimeout(watchdog);
        current = null;
        const { event: _, ...result } = e;
        results.push(result);
        onResult(result);
      } else if (e.event === "done") done = true;
    },
  }).finally(() => {
    clearTimeout(watchdog);
    signal.removeEventListener("abort", abort);
  });
  const reported = new Set(results.map((r) => r.id));
  const running = current as { probe: ProbeInfo; started: number } | null;
  if (running) {
    const r = resultOfDeath(
      running.probe,
      exit,
      fence,
      stderr.text,
      Math.round(performance.now() - running.started),
    );
    results.push(r);
    onResult(r);
    reported.add(running.probe.id);
  }
  let remaining = probes.filter((p) => !reported.has(p.id));
  if (!done && !running && results.length === 0 && remaining.length && !signal.aborted) {
    // Died before any probe started (refused, or the runner failed to load): no retry.
    // (Dying between two probes is not this: the rest run again in a fresh container.)
    const why =
      refused ??
      `the runner exited ${exit.exitCode} before starting a probe: ${stderr.text.trim().split("\n").slice(-3).join(" | ")}`;
    for (const p of remaining) {
      const r: ProbeResult = {
        id: p.id,
        category: p.category,
        title: p.title,
        expected: p.expected,
        status: "error",
        durationMs: 0,
        message: why,
        fence,
        observed: { exitCode: exit.exitCode },
      };
      results.push(r);
      onResult(r);
    }
    remaining = [];
  }
  if (signal.aborted) remaining = [];
  return { results, remaining, exit };
}

/**
 * Runs a batch of probes to the end: a fresh container for whatever a dead container
 * left unstarted, until every probe has a result.
 *
 * @example
 * const results = await runBatch(docker, (ids) => specFor(ids), probes, print, signal);
 */
export async function runBatch(
  docker: Docker,
  specFor: (probes: ProbeInfo[]) => ContainerSpec,
  probes: ProbeInfo[],
  onResult: (r: ProbeResult) => void,
  signal: AbortSignal,
): Promise<ProbeResult[]> {
  const all: ProbeResult[] = [];
  let left = probes;
  for (let attempt = 0; left.length && attempt <= probes.length && !signal.aborted; attempt++) {
    const out = await runOnce(docker, specFor(left), left, onResult, signal);
    all.push(...out.results);
    left = out.remaining;
  }
  return all;
}
