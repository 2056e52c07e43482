import { StringDecoder } from "node:string_decoder";
import { demux } from "../engine/demux.ts";
import type { Container, EngineStream, Exec } from "../engine/docker-api.ts";
import { engineError } from "../engine/engine-error.ts";

/** How one process run inside a live container ended, as the engine says. */
export interface ExecEnd {
  /** The engine's exit code (128 + n when a signal n ended it); null when unknown. */
  exitCode: number | null;
  /** Past its deadline: brink killed the container under it. */
  timedOut: boolean;
  /** The end of its output (display only: never read for a verdict). */
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** How much of each stream is kept. */
export const TAIL_CHARS = 2000;
/** After the process ended, how long its output may still take to end (a child it left may hold it open). */
const OUTPUT_GRACE_MS = 200;
/** An engine call that takes longer than this means the engine is gone. */
export const ENGINE_CALL_MS = 15_000;

/**
 * Rejects when `p` has not settled within `ms` (under Bun, a call whose connection the
 * engine dropped may never settle).
 *
 * @example
 * const info = await within(container.inspect(), 15_000, "inspecting the container");
 */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: Timer | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} got no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Keeps the last `TAIL_CHARS` characters of a stream, whole characters only. */
function tail() {
  const decoder = new StringDecoder("utf8");
  let text = "";
  return {
    push(b: Buffer) {
      text = (text + decoder.write(b)).slice(-TAIL_CHARS);
    },
    get text() {
      return text;
    },
  };
}

/**
 * Runs `argv` in the running `container` (docker exec, no TTY) and waits for it to end:
 * the engine's exit code, and the end of its stdout and stderr. `kill` is called when
 * `timeoutMs` passes or `signal` aborts; it must end the process (brink kills the whole
 * container: an exec cannot be killed on its own). The end is asked of the engine, so a
 * child that keeps the output open does not hold brink.
 *
 * @example
 * const end = await runExec(container, ["bun", "parse.ts"], { timeoutMs: 30_000, kill });
 */
export async function runExec(
  container: Container,
  argv: string[],
  options: { timeoutMs: number; kill: (why: string) => Promise<void>; signal?: AbortSignal },
): Promise<ExecEnd> {
  const started = performance.now();
  let exec: Exec;
  let stream: EngineStream;
  try {
    exec = await within(
      container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false }),
      ENGINE_CALL_MS,
      "creating an exec",
    );
    stream = await within(exec.start(), ENGINE_CALL_MS, "starting an exec");
  } catch (e) {
    throw engineError(e, "starting the command in its container");
  }
  const out = tail();
  const err = tail();
  const reading = (async () => {
    try {
      for await (const f of demux(stream)) (f.stream === "stdout" ? out : err).push(f.data);
    } catch {
      // the stream broke (container killed, engine gone): what arrived is kept
    }
  })();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void options.kill("timeout");
  }, options.timeoutMs);
  const onAbort = () => void options.kill(String(options.signal?.reason ?? "stopped"));
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  try {
    let streamEnded = false;
    void reading.then(() => {
      streamEnded = true;
    });
    for (;;) {
      await Promise.race([reading, Bun.sleep(100)]);
      const info = await within(exec.inspect(), ENGINE_CALL_MS, "inspecting an exec");
      if (!info.Running) {
        await Promise.race([reading, Bun.sleep(OUTPUT_GRACE_MS)]);
        stream.destroy();
        return {
          exitCode: typeof info.ExitCode === "number" ? info.ExitCode : null,
          timedOut,
          stdout: out.text,
          stderr: err.text,
          durationMs: Math.round(performance.now() - started),
        };
      }
      if (streamEnded) await Bun.sleep(20);
    }
  } catch (e) {
    throw engineError(e, "waiting for the command in its container");
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    stream.destroy();
  }
}
