import { PassThrough } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type Docker from "dockerode";
import { type ContainerSpec, createOptions } from "./container-spec.ts";
import { engineError } from "./engine-error.ts";
import { liveContainers } from "./live-containers.ts";

/** How a container ended. */
export interface ContainerExit {
  exitCode: number | null;
  oomKilled: boolean;
  /** The signal that ended it, when the exit code says so (128 + n). */
  signal: string | null;
  durationMs: number;
  /** Set when brink itself killed it (timeout, interrupt), with why. */
  killedBy: string | null;
}

/** Streams of a running container. */
export interface ContainerIO {
  /** Each complete stdout line. */
  onLine?(line: string): void;
  /** Raw stderr text. */
  onStderr?(text: string): void;
  /** Raw stdout bytes, for `brink exec` pass-through. */
  onStdout?(chunk: Buffer): void;
  /** Aborting kills the container; the reason becomes `killedBy`. */
  signal?: AbortSignal;
}

const SIGNALS: Record<number, string> = {
  6: "SIGABRT",
  9: "SIGKILL",
  11: "SIGSEGV",
  15: "SIGTERM",
  2: "SIGINT",
  7: "SIGBUS",
};
const MAX_LINE = 1 << 20;

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
 * Creates a fenced container, streams its output as it comes, waits, inspects (OOMKilled,
 * exit code) and removes it (force, volumes) whatever happened. No AutoRemove: the
 * inspection needs the container after it exits.
 *
 * @example
 * const exit = await runContainer(docker, spec, { onLine: (l) => console.log(l) });
 */
export async function runContainer(
  docker: Docker,
  spec: ContainerSpec,
  io: ContainerIO = {},
): Promise<ContainerExit> {
  let container: Docker.Container;
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
  try {
    const stream = (await container.attach({
      stream: true,
      stdout: true,
      stderr: true,
      hijack: false,
    })) as NodeJS.ReadableStream;
    const out = new PassThrough();
    const err = new PassThrough();
    const lines = lineSplitter((l) => io.onLine?.(l));
    // Decoders keep a character split across two chunks whole.
    const outText = new StringDecoder("utf8");
    const errText = new StringDecoder("utf8");
    out.on("data", (c: Buffer) => {
      io.onStdout?.(c);
      lines.push(outText.write(c));
    });
    err.on("data", (c: Buffer) => io.onStderr?.(errText.write(c)));
    docker.modem.demuxStream(stream, out, err);
    const ended = new Promise<void>((r) => {
      stream.on("end", r);
      stream.on("close", r);
      stream.on("error", () => r());
    });
    try {
      await container.start();
    } catch (e) {
      throw engineError(e, "starting the container");
    }
    if (io.signal?.aborted) onAbort();
    io.signal?.addEventListener("abort", onAbort, { once: true });
    const waited = (await container.wait()) as { StatusCode: number };
    // The attach stream ends with the container; give a slow engine two seconds, no more.
    let grace: Timer | undefined;
    await Promise.race([ended, new Promise((r) => (grace = setTimeout(r, 2000)))]);
    clearTimeout(grace);
    lines.end();
    const info = await container.inspect();
    const exitCode = info.State.ExitCode ?? waited.StatusCode;
    return {
      exitCode,
      oomKilled: info.State.OOMKilled === true,
      signal: exitCode > 128 ? (SIGNALS[exitCode - 128] ?? `signal ${exitCode - 128}`) : null,
      durationMs: Math.round(performance.now() - started),
      killedBy,
    };
  } catch (e) {
    throw engineError(e, "a container ran");
  } finally {
    io.signal?.removeEventListener("abort", onAbort);
    await container.remove({ force: true, v: true }).catch(() => {});
    forget();
  }
}
