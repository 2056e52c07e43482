import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { HostReport } from "../probe-host.ts";
import { PROBE_HOST_BUNDLE } from "../probe-host-bundle.ts";
import { closeQuietly, osPipe } from "./os-pipe.ts";

/** The probe process's entry point: the image's bundle of it when there is one. */
export const PROBE_HOST = [
  fileURLToPath(new URL(`../${PROBE_HOST_BUNDLE}`, import.meta.url)),
  fileURLToPath(new URL("../probe-host.ts", import.meta.url)),
].find((f) => existsSync(f)) as string;

/** Everything the runner saw of one probe process. */
export interface ProbeEvidence {
  /** What it reported; null when nothing; a string when what it wrote was not a report. */
  report: HostReport | string | null;
  /** Its own wait status. */
  exitCode: number | null;
  signal: string | null;
  /** The runner killed it at its deadline. */
  timedOut: boolean;
  /** ...before its suite had even loaded (the load deadline, not the probe's timeout). */
  loadTimedOut: boolean;
  /** It reported but did not exit within the grace after: the runner killed it. */
  leftRunning: boolean;
  durationMs: number;
  /** The end of its stdout and stderr, as it wrote them. */
  log: string;
}

/** How long after its report a probe process may take to exit. */
export const EXIT_GRACE_MS = 2000;
/** How long past its timeout the runner waits before killing a probe process. */
export const KILL_GRACE_MS = 1500;
const LOG_MAX = 4096;
/** How long a probe's process may take to load its suite before its own clock starts. */
export const LOAD_TIMEOUT_MS = 30_000;
const LOADED = '{"kind":"loaded"}\n';
/** The largest report the runner reads; a larger one is cut and marked. */
export const REPORT_MAX = 1 << 20;

/** Keeps the last `max` characters written to it. */
function tail(max: number) {
  let text = "";
  return {
    push: (s: string) => {
      text = (text + s).slice(-max);
    },
    get text() {
      return text;
    },
  };
}

/** Reads a stream until it ends or `stop` resolves, whichever is first. */
async function drainUntil(
  stream: ReadableStream<Uint8Array>,
  onText: (s: string) => void,
  stop: Promise<unknown>,
): Promise<void> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const stopped = stop.then(() => null);
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), stopped]);
      if (!next || next.done) return;
      onText(decoder.decode(next.value, { stream: true }));
    }
  } catch {
    // a broken pipe ends the log, nothing more
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * Starts a probe process (argv after the host's path), captures its stdout and stderr
 * (a real pipe, bounded), reads its report from a pipe of its own, and ends it: SIGKILL
 * `LOAD_TIMEOUT_MS` after its start if its suite has not loaded, `KILL_GRACE_MS` past
 * `timeoutMs` once it has, or `EXIT_GRACE_MS` after its report if it lingers. Once it has ended,
 * `afterExit` runs (the runner kills what it left behind), then what is left to read is
 * read for a moment at most: a leftover child holding the pipes cannot hold the runner.
 *
 * @example
 * const ev = await spawnProbe(["--probe", "fd.x"], { timeoutMs: 30000, env, cwd: "/work", afterExit: killOthers });
 */
export async function spawnProbe(
  args: string[],
  options: {
    timeoutMs: number;
    env: Record<string, string | undefined>;
    cwd: string;
    afterExit?: () => Promise<unknown>;
  },
): Promise<ProbeEvidence> {
  let started = performance.now();
  const pipe = await osPipe();
  const reports = await osPipe();
  const out = pipe?.write ?? "pipe";
  // The probe's process opens the runner's end of the report pipe by path for each write
  // and holds no descriptor of it; the runner keeps the write end too, so reading never
  // sees an end of file before the probe has written.
  const reportArg = reports ? `/proc/${process.pid}/fd/${reports.write}` : "3";
  const child = Bun.spawn([process.execPath, PROBE_HOST, ...args, "--report", reportArg], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", out, out, reports ? "ignore" : "pipe"],
    // A session of its own: a probe's kill(0) or a signal to its group stays in its tree.
    detached: true,
  });
  if (pipe) closeQuietly(pipe.write);
  const log = tail(LOG_MAX);
  let reportText = "";
  let reportBytes = 0;
  let reported = false;
  let timedOut = false;
  let leftRunning = false;
  let linger: Timer | undefined;
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {}
  };
  const onDeadline = () => {
    timedOut = !reported;
    kill();
  };
  // Until the suite has loaded, the load deadline; then the probe's own timeout.
  let deadline = setTimeout(onDeadline, LOAD_TIMEOUT_MS);
  let finished: () => void = () => {};
  const finish = new Promise<void>((r) => {
    finished = r;
  });
  let loaded = false;
  const onReport = (chunk: string) => {
    let s = chunk;
    if (!loaded && (reportText + s).startsWith(LOADED)) {
      loaded = true;
      s = (reportText + s).slice(LOADED.length);
      reportText = "";
      started = performance.now();
      clearTimeout(deadline);
      deadline = setTimeout(onDeadline, options.timeoutMs + KILL_GRACE_MS);
    }
    reportBytes += s.length;
    if (reportText.length < REPORT_MAX) reportText += s.slice(0, REPORT_MAX - reportText.length);
    if (!reported && reportText.includes("\n")) {
      reported = true;
      linger = setTimeout(() => {
        leftRunning = true;
        kill();
      }, EXIT_GRACE_MS);
    }
  };
  const reportFd = reports ? reports.read : (child.stdio[3] as unknown as number);
  const reading = [
    drainUntil(Bun.file(reportFd).stream(), onReport, finish),
    pipe
      ? drainUntil(Bun.file(pipe.read).stream(), log.push, finish)
      : Promise.all([
          drainUntil(child.stdout as ReadableStream<Uint8Array>, log.push, finish),
          drainUntil(child.stderr as ReadableStream<Uint8Array>, log.push, finish),
        ]),
  ];
  await child.exited;
  clearTimeout(deadline);
  clearTimeout(linger);
  await options.afterExit?.();
  // Every process that could have opened the report pipe by path is gone: drop the
  // runner's own write end, so reading ends with what was written (no wait).
  if (reports) closeQuietly(reports.write);
  setTimeout(finished, 200);
  await Promise.all(reading);
  if (pipe) closeQuietly(pipe.read);
  if (reports) closeQuietly(reports.read);
  return {
    report: parseReport(reportText, reportBytes),
    exitCode: child.exitCode,
    signal: (child.signalCode as string | null) ?? null,
    timedOut,
    loadTimedOut: timedOut && !loaded,
    leftRunning,
    durationMs: Math.round(performance.now() - started),
    log: log.text,
  };
}

/** Parses the report line; a cut or malformed one comes back as text saying so. */
export function parseReport(text: string, bytes: number): HostReport | string | null {
  if (!text) return null;
  const line = text.split("\n")[0] ?? "";
  if (bytes > REPORT_MAX && !text.includes("\n"))
    return `its report was ${bytes} bytes, over the ${REPORT_MAX}-byte cap`;
  try {
    const v = JSON.parse(line) as HostReport;
    return typeof v === "object" && v !== null && typeof v.kind === "string"
      ? v
      : `not a report: ${line.slice(0, 200)}`;
  } catch {
    return `not a report: ${line.slice(0, 200)}`;
  }
}
