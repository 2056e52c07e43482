import type { FenceSummary } from "@brink/guard";
import type { ProbeResult } from "@brink/probes/host";
import type { ContainerSpec } from "../engine/container-spec.ts";
import type { ContainerExit, ContainerIO } from "../engine/run-container.ts";
import { type ContainerEvents, readContainerEvents } from "./container-events.ts";
import type { ProbeInfo } from "./probe-info.ts";
import { resultOfDeath } from "./result-of-death.ts";

/** The engine as orchestration sees it: run one container to its end. */
export type RunContainer = (spec: ContainerSpec, io: ContainerIO) => Promise<ContainerExit>;

/**
 * Slack on top of a probe's own timeout before the host kills its container: the runner
 * kills the probe's process 1.5 s past its timeout, then resets the container (up to 3 s).
 */
export const HANG_GRACE_MS = 10_000;
/** How long the runner may take to start and read the fences. */
export const STARTUP_MS = 30_000;
/** How long a container may take to exit once every result is in. */
export const EXIT_AFTER_LAST_MS = 5_000;

/** The longest one container may live: start-up, each probe's timeout with slack, the exit. */
export function containerDeadline(probes: ProbeInfo[]): number {
  return (
    STARTUP_MS + probes.reduce((ms, p) => ms + p.timeoutMs + HANG_GRACE_MS, 0) + EXIT_AFTER_LAST_MS
  );
}

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

function errorResult(
  p: ProbeInfo,
  fence: FenceSummary,
  message: string,
  observed = {},
): ProbeResult {
  return {
    id: p.id,
    category: p.category,
    title: p.title,
    expected: p.expected,
    status: "error",
    durationMs: 0,
    message,
    fence,
    observed,
  };
}

/**
 * Runs probes in one container and reads its authenticated events. Deadlines always end
 * it: the runner's start, each probe (its timeout plus slack), and the exit after the last
 * result. If the container dies mid-suite, the results already in are kept, the running
 * probe gets the evidence, and the probes after it come back as `remaining`.
 */
async function runOnce(
  run: RunContainer,
  spec: ContainerSpec,
  probes: ProbeInfo[],
  onResult: (r: ProbeResult) => void,
  signal: AbortSignal,
): Promise<BatchOutcome> {
  const results: ProbeResult[] = [];
  const stderr = tail(64 * 1024);
  const local = new AbortController();
  const abort = () => local.abort(signal.reason);
  signal.addEventListener("abort", abort, { once: true });
  let watchdog: Timer | undefined;
  const arm = (ms: number, why: string) => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => local.abort(why), ms);
  };
  const events: ContainerEvents = readContainerEvents(probes, {
    onResult(r) {
      results.push(r);
      onResult(r);
    },
    onStart(id, timeoutMs) {
      arm(
        timeoutMs + HANG_GRACE_MS,
        `hung: ${id} ran past its ${timeoutMs} ms timeout and the runner did not end it`,
      );
    },
    onIdle(allIn) {
      if (allIn)
        arm(
          EXIT_AFTER_LAST_MS,
          `the container did not exit within ${EXIT_AFTER_LAST_MS / 1000} s of its last result`,
        );
      else arm(HANG_GRACE_MS, "the runner went quiet between two probes");
    },
    onProtocolError(why) {
      local.abort(`protocol error: ${why}`);
    },
  });
  arm(STARTUP_MS, `the runner did not start within ${STARTUP_MS / 1000} s`);
  // However the per-probe deadlines play out, the container as a whole has one too.
  const totalMs = containerDeadline(probes);
  const overall = setTimeout(() => {
    const r = events.running;
    local.abort(
      `the container ran past its overall deadline of ${Math.round(totalMs / 1000)} s${r ? ` while ${r.probe.id} was running` : ""}`,
    );
  }, totalMs);
  const exit = await run(spec, {
    signal: local.signal,
    onStderr: (s) => stderr.push(s),
    onLine: (line) => events.line(line),
  }).finally(() => {
    clearTimeout(watchdog);
    clearTimeout(overall);
    signal.removeEventListener("abort", abort);
  });
  const fence = events.fence;
  const reported = new Set(results.map((r) => r.id));
  const add = (r: ProbeResult) => {
    results.push(r);
    onResult(r);
    reported.add(r.id);
  };
  const protocol = events.protocolError;
  const running = events.running;
  if (protocol) {
    // Nothing more from this container is believed: the probe at fault gets the raw line.
    const first = running?.probe ?? probes.find((p) => !reported.has(p.id));
    if (first)
      add(errorResult(first, fence, `protocol error: ${protocol}`, { protocolError: protocol }));
    for (const p of probes.filter((x) => !reported.has(x.id)))
      add(errorResult(p, fence, "not run: its container broke the runner protocol"));
    return { results, remaining: [], exit };
  }
  if (running) {
    add(
      resultOfDeath(
        running.probe,
        exit,
        fence,
        stderr.text,
        Math.round(performance.now() - running.started),
      ),
    );
  }
  let remaining = probes.filter((p) => !reported.has(p.id));
  const startedAny = results.length > 0;
  if (!events.done && !startedAny && remaining.length && !signal.aborted) {
    // Died before any probe started (refused, or the runner failed to load): no retry.
    const why =
      events.refused ??
      (exit.killedBy ? `${exit.killedBy}; its container was killed` : null) ??
      `the runner exited ${exit.exitCode} before starting a probe: ${stderr.text.trim().split("\n").slice(-3).join(" | ")}`;
    for (const p of remaining) add(errorResult(p, fence, why, { exitCode: exit.exitCode }));
    remaining = [];
  }
  if (events.done && remaining.length) {
    // The runner said it was done without these: a runner bug, not a reason to loop.
    for (const p of remaining)
      add(errorResult(p, fence, "not run: the runner finished without it"));
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
 * const results = await runBatch(run, (left) => specFor(left), probes, print, signal);
 */
export async function runBatch(
  run: RunContainer,
  specFor: (probes: ProbeInfo[]) => ContainerSpec,
  probes: ProbeInfo[],
  onResult: (r: ProbeResult) => void,
  signal: AbortSignal,
): Promise<ProbeResult[]> {
  const all: ProbeResult[] = [];
  let left = probes;
  for (let attempt = 0; left.length && attempt <= probes.length && !signal.aborted; attempt++) {
    const out = await runOnce(run, specFor(left), left, onResult, signal);
    all.push(...out.results);
    left = out.remaining;
  }
  return all;
}
