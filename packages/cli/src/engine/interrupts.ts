/** The signal that stopped a command, and the exit code it calls for. */
export interface Stopped {
  name: "SIGINT" | "SIGTERM";
  code: 130 | 143;
}

/** A trap for SIGINT and SIGTERM while a command holds containers. */
export interface InterruptTrap {
  /** Aborts on the first SIGINT/SIGTERM (reason "interrupted by SIGINT"), or on abort(). */
  signal: AbortSignal;
  /** Which signal arrived, if one did. */
  readonly stopped: Stopped | null;
  /** Aborts for another reason (e.g. the engine went away). */
  abort(reason: string): void;
  /** Stops trapping; call it in a finally. */
  release(): void;
}

/**
 * Traps SIGINT (exit 130) and SIGTERM (exit 143) so a command can remove its containers and
 * write what it has instead of dying mid-way.
 *
 * @example
 * const trap = trapInterrupts(() => log("stopping..."));
 * try { await work(trap.signal) } finally { trap.release() }
 * if (trap.stopped) return trap.stopped.code;
 */
export function trapInterrupts(onStop?: (s: Stopped) => void): InterruptTrap {
  const controller = new AbortController();
  let stopped: Stopped | null = null;
  const handler = (name: Stopped["name"], code: Stopped["code"]) => () => {
    if (stopped) return;
    stopped = { name, code };
    onStop?.(stopped);
    controller.abort(`interrupted by ${name}`);
  };
  const sigint = handler("SIGINT", 130);
  const sigterm = handler("SIGTERM", 143);
  process.on("SIGINT", sigint);
  process.on("SIGTERM", sigterm);
  return {
    signal: controller.signal,
    get stopped() {
      return stopped;
    },
    abort: (reason) => controller.abort(reason),
    release() {
      process.off("SIGINT", sigint);
      process.off("SIGTERM", sigterm);
    },
  };
}
