/** How a child process ended, and the end of what it printed. */
export interface ChildEnd {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** How `runChild` ends a child and what it left. */
export interface RunChildOptions {
  /**
   * Kills the child's whole tree: called past the timeout, once the child has exited (its
   * detached children may hold its pipes), and once `over()` says the work is over.
   * Default: SIGKILL to the child alone.
   */
  reap?: () => unknown;
  /** Polled every 20 ms while the child runs: true when its work is over though it has not exited. */
  over?: (pid: number) => boolean;
  /** Environment of the child. Default: this process's, with NO_COLOR=1. */
  env?: Record<string, string | undefined>;
}

const TAIL = 2000;
/** How long the pipes may stay open once the child has ended and its tree was reaped. */
const PIPE_GRACE_MS = 300;

/** Waits for `p`, but no longer than `ms`, and leaves no timer behind to hold the process open. */
async function atMost(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: Timer | undefined;
  await Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** Reads a stream into a bounded tail, until it ends or `stop` is called. */
function tailOf(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const done = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        if (text.length > 4 * TAIL) text = text.slice(-TAIL);
      }
    } catch {
      // cancelled below: what arrived is kept
    }
  })();
  return {
    done,
    stop: () => reader.cancel().catch(() => {}),
    text: () => text.slice(-TAIL),
  };
}

/**
 * Runs a command as a child process and always comes back: past `timeoutMs` the child (and,
 * with `reap`, its whole tree) is killed; once it has ended, what it left is reaped and its
 * pipes are read no longer than a moment, so a detached grandchild holding them cannot hang
 * the caller. Returns how it ended with the last 2000 characters of its stdout and stderr.
 *
 * @example
 * const end = await runChild(["sleep", "5"], 100); // end.timedOut === true
 * const swept = await runChild(["strace", "--", "bun", "x.ts"], 30_000, { reap: killOthers });
 */
export async function runChild(
  argv: string[],
  timeoutMs: number,
  options: RunChildOptions = {},
): Promise<ChildEnd> {
  const child = Bun.spawn(argv, {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: options.env ?? { ...process.env, NO_COLOR: "1" },
  });
  const reap = options.reap ?? (() => child.kill("SIGKILL"));
  const out = tailOf(child.stdout);
  const err = tailOf(child.stderr);
  let timedOut = false;
  let poll: Timer | undefined;
  const ended = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      timedOut = true;
      resolve();
    }, timeoutMs);
    if (options.over) {
      poll = setInterval(() => {
        if (options.over?.(child.pid)) resolve();
      }, 20);
    }
    child.exited.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  await ended;
  clearInterval(poll);
  await reap();
  // Reaped: the child itself ends now (a child stopped by ptrace needs its tracer gone too).
  await atMost(child.exited, 2000);
  await atMost(Promise.all([out.done, err.done]), PIPE_GRACE_MS);
  out.stop();
  err.stop();
  child.unref();
  return {
    exitCode: child.exitCode,
    signal: (child.signalCode as string | null) ?? null,
    stdout: out.text(),
    stderr: err.text(),
    timedOut,
  };
}
