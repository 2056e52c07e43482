import { StringDecoder } from "node:string_decoder";
import { type ContainerSpec, createOptions } from "./container-spec.ts";
import { demux } from "./demux.ts";
import type { Container, DockerApi as Docker, EngineStream } from "./docker-api.ts";
import { engineError } from "./engine-error.ts";
import { liveContainers } from "./live-containers.ts";

/** How a container ended. */
export interface ContainerExit {
  exitCode: number | null;
  oomKilled: boolean;
  /**
   * The signal exit code 128 + n names, for a standard signal n (1-31): probably what ended
   * it, since a process may also exit(137) itself. null for other codes (255 is exit(255)).
   */
  signal: string | null;
  durationMs: number;
  /** Set when brink itself killed it (timeout, interrupt), with why. */
  killedBy: string | null;
}

/** Streams of a running container. A handler that returns a promise pauses the stream until it settles. */
export interface ContainerIO {
  /** Each complete stdout line. */
  onLine?(line: string): void;
  /** Raw stderr text. */
  onStderr?(text: string): void | Promise<void>;
  /** Raw stdout bytes, for `brink exec` pass-through. */
  onStdout?(chunk: Buffer): void | Promise<void>;
  /** Aborting kills the container; the reason becomes `killedBy`. */
  signal?: AbortSignal;
}

/** Linux signal names by number: containers are Linux whatever the host is. */
const LINUX_SIGNALS = [
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGILL",
  "SIGTRAP",
  "SIGABRT",
  "SIGBUS",
  "SIGFPE",
  "SIGKILL",
  "SIGUSR1",
  "SIGSEGV",
  "SIGUSR2",
  "SIGPIPE",
  "SIGALRM",
  "SIGTERM",
  "SIGSTKFLT",
  "SIGCHLD",
  "SIGCONT",
  "SIGSTOP",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGURG",
  "SIGXCPU",
  "SIGXFSZ",
  "SIGVTALRM",
  "SIGPROF",
  "SIGWINCH",
  "SIGIO",
  "SIGPWR",
  "SIGSYS",
];

/**
 * The signal an exit code probably means: 128 + n for a standard Linux signal n, else null.
 *
 * @example
 * signalOfExit(137) // "SIGKILL"
 * signalOfExit(255) // null: a process that called exit(255)
 */
export function signalOfExit(code: number | null): string | null {
  if (code === null || code <= 128) return null;
  return LINUX_SIGNALS[code - 129] ?? null;
}

const MAX_LINE = 1 << 20;
/** After the container exits, how long its output may stay silent (with nobody waiting on a reader) before brink stops listening. */
const QUIET_AFTER_EXIT_MS = 2000;

function lineSplitter(onLine: (l: string) => void): { push(s: string): void; end(): void } {
  let buf = "";
  return {
    push(s) {
      buf += s;
      let i = buf.indexOf("\n");
      while (i >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
        i = buf.indexOf("\n");
      }
      if (buf.length > MAX_LINE) {
        onLine(buf);
        buf = "";
      }
    },
    end() {
      if (buf) onLine(buf);
      buf = "";
    },
  };
}

/**
 * Pumps an attach stream into `io` one frame at a time, awaiting a handler's promise before
 * reading on, so a slow reader slows the container instead of filling brink's memory.
 */
function pump(stream: EngineStream, io: ContainerIO) {
  const lines = lineSplitter((l) => io.onLine?.(l));
  // Decoders keep a character split across two chunks whole.
  const outText = new StringDecoder("utf8");
  const errText = new StringDecoder("utf8");
  const state = { lastData: performance.now(), waiting: false };
  const done = (async () => {
    try {
      for await (const f of demux(stream)) {
        state.lastData = performance.now();
        state.waiting = true;
        if (f.stream === "stdout") {
          lines.push(outText.write(f.data));
          await io.onStdout?.(f.data);
        } else await io.onStderr?.(errText.write(f.data));
        state.waiting = false;
      }
    } catch {
      // the stream broke (engine gone, or destroyed below): what arrived is kept
    }
    lines.end();
  })();
  return { done, state };
}

/** Rejects after `ms` unless `p` settles first. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: Timer | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} got no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * The container's exit status from the engine's wait, or a rejection once the engine stops
 * answering. (Under Bun, a wait whose connection the engine dropped never settles: once the
 * output has ended and the wait has not answered, the engine is asked directly.)
 */
async function waitForExit(container: Container, outputEnded: Promise<void>) {
  const waiting = container.wait().then((w) => (w as { StatusCode: number }).StatusCode);
  waiting.catch(() => {}); // settled below, or abandoned when the engine is gone
  await Promise.race([waiting, outputEnded]);
  for (;;) {
    const code = await Promise.race([waiting, Bun.sleep(2000).then(() => null)]);
    if (code !== null) return code;
    const info = await within(container.inspect(), 5000, "inspecting the container");
    if (!info.State.Running) return info.State.ExitCode;
  }
}

/**
 * Creates a fenced container, streams its output as it comes (with backpressure), waits,
 * inspects (OOMKilled, exit code) and removes it (force, volumes) whatever happened. No
 * AutoRemove: the inspection needs the container after it exits.
 *
 * @example
 * const exit = await runContainer(docker, spec, { onLine: (l) => console.log(l) });
 */
export async function runContainer(
  docker: Docker,
  spec: ContainerSpec,
  io: ContainerIO = {},
): Promise<ContainerExit> {
  let container: Container;
  try {
    container = await docker.createContainer(createOptions(spec));
  } catch (e) {
    throw engineError(e, "creating the container");
  }
  const forget = liveContainers.add(container.id, () => container.remove({ force: true, v: true }));
  let killedBy: string | null = null;
  const onAbort = () => {
    killedBy = String(io.signal?.reason ?? "aborted");
    container.kill().catch(() => {});
  };
  const started = performance.now();
  let stream: EngineStream | undefined;
  try {
    stream = await container.attach({ stdout: true, stderr: true });
    const output = pump(stream, io);
    try {
      await container.start();
    } catch (e) {
      throw engineError(e, "starting the container");
    }
    if (io.signal?.aborted) onAbort();
    io.signal?.addEventListener("abort", onAbort, { once: true });
    const status = await waitForExit(container, output.done);
    // The output ends with the container. A slow engine may never end it: stop listening
    // once it has been silent for a while, unless a slow reader is what holds it back.
    for (;;) {
      const quiet = performance.now() - output.state.lastData;
      const held = output.state.waiting && !io.signal?.aborted;
      if (!held && quiet > QUIET_AFTER_EXIT_MS) break;
      const ended = await Promise.race([
        output.done.then(() => true),
        Bun.sleep(Math.max(50, QUIET_AFTER_EXIT_MS - quiet)).then(() => false),
      ]);
      if (ended) break;
    }
    stream.destroy();
    await Promise.race([output.done, Bun.sleep(500)]);
    const info = await container.inspect();
    const exitCode = info.State.ExitCode ?? status;
    return {
      exitCode,
      oomKilled: info.State.OOMKilled === true,
      signal: signalOfExit(exitCode),
      durationMs: Math.round(performance.now() - started),
      killedBy,
    };
  } catch (e) {
    throw engineError(e, "a container ran");
  } finally {
    io.signal?.removeEventListener("abort", onAbort);
    stream?.destroy();
    await container.remove({ force: true, v: true }).catch(() => {});
    forget();
  }
}
