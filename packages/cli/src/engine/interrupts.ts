/** The signals a command traps, and the exit code each calls for (128 + its number). */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGQUIT: 131 } as const;
/** The exit code when brink's reader went away (as a process killed by SIGPIPE). */
export const READER_CLOSED_CODE = 141;

/** What stopped a command, and the exit code it calls for. */
export interface Stopped {
  /** A signal's name, or "reader closed" when stdout or stderr hit EPIPE. */
  name: keyof typeof STOP_SIGNALS | "reader closed";
  code: number;
  /** For reports: "interrupted by SIGINT", "the reader of brink's output went away". */
  reason: string;
}

/** A trap for the signals and the closed output that stop a command holding containers. */
export interface InterruptTrap {
  /** Aborts on the first stop (reason as in Stopped.reason), or on abort(). */
  signal: AbortSignal;
  /** What stopped the command, if something did. */
  readonly stopped: Stopped | null;
  /** Aborts for another reason (e.g. the engine went away); `stopped` stays as it was. */
  abort(reason: string): void;
  /** Stops trapping; call it in a finally. */
  release(): void;
}

let swallowing = false;
/** After a reader went away every later write fails too: never let one become a crash. */
function swallowOutputErrors(): void {
  if (swallowing) return;
  swallowing = true;
  for (const s of [process.stdout, process.stderr]) s.on("error", () => {});
}

/** A second signal sooner than this after the first is the same one, delivered twice. */
export const FORCE_AFTER_MS = 500;

/**
 * Traps SIGINT (130), SIGTERM (143), SIGHUP (129), SIGQUIT (131) and a closed stdout or
 * stderr (EPIPE: 141), so a command can remove its containers and write what it has instead
 * of dying mid-way. A second signal, `FORCE_AFTER_MS` or more after the first, calls
 * `onForce` (leave now).
 *
 * @example
 * const trap = trapInterrupts({ onStop: (s) => log(`${s.name}: stopping...`) });
 * try { await work(trap.signal) } finally { trap.release() }
 * if (trap.stopped) return trap.stopped.code;
 */
export function trapInterrupts(
  hooks: { onStop?: (s: Stopped) => void; onForce?: (s: Stopped) => void } = {},
): InterruptTrap {
  swallowOutputErrors();
  const controller = new AbortController();
  let stopped: Stopped | null = null;
  let stoppedAt = 0;
  const stop = (s: Stopped) => {
    if (stopped) {
      // One Ctrl-C can arrive twice within milliseconds: from the terminal to the whole
      // process group, and again from a wrapper that forwards it (timeout(1), a CI runner).
      // Only a second signal a person could have sent means "leave now".
      const repeated = performance.now() - stoppedAt < FORCE_AFTER_MS;
      if (s.name !== "reader closed" && !repeated) hooks.onForce?.(stopped);
      return;
    }
    stopped = s;
    stoppedAt = performance.now();
    hooks.onStop?.(s);
    controller.abort(s.reason);
  };
  const handlers = Object.entries(STOP_SIGNALS).map(([name, code]) => {
    const h = () =>
      stop({ name: name as keyof typeof STOP_SIGNALS, code, reason: `interrupted by ${name}` });
    process.on(name as NodeJS.Signals, h);
    return [name as NodeJS.Signals, h] as const;
  });
  const onOutputError = (e: NodeJS.ErrnoException) => {
    if (e?.code === "EPIPE" || e?.code === "EIO" || e?.code === "ECONNRESET") {
      stop({
        name: "reader closed",
        code: READER_CLOSED_CODE,
        reason: "the reader of brink's output went away",
      });
    }
  };
  process.stdout.on("error", onOutputError);
  process.stderr.on("error", onOutputError);
  return {
    signal: controller.signal,
    get stopped() {
      return stopped;
    },
    abort: (reason) => controller.abort(reason),
    release() {
      for (const [name, h] of handlers) process.off(name, h);
      process.stdout.off("error", onOutputError);
      process.stderr.off("error", onOutputError);
    },
  };
}
