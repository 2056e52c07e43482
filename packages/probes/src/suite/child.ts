/** How a child process ended, and what it printed. */
export interface ChildEnd {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs `bun -e code` as a child process with a timeout and collects how it ended.
 *
 * @example
 * const end = await runBunChild("process.exit(3)"); // end.exitCode === 3
 */
export async function runBunChild(code: string, timeoutMs = 20_000): Promise<ChildEnd> {
  const child = Bun.spawn([process.execPath, "-e", code], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const [stdout, stderr] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  clearTimeout(timer);
  return {
    exitCode: child.exitCode,
    signal: (child.signalCode as string | null) ?? null,
    stdout,
    stderr: stderr.slice(-2000),
    timedOut,
  };
}

/** Allocates and touches memory without bound: for children that should be OOM-killed. */
export const UNBOUNDED_ALLOC = "const a=[]; for(;;) a.push(new Uint8Array(1<<20).fill(1));";

/** Measures the event loop's worst lag while `work` runs. */
export async function maxLoopLag<T>(
  work: Promise<T>,
): Promise<{ value: T; maxLagMs: number; ticks: number }> {
  let maxLagMs = 0;
  let ticks = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - last - 10);
    last = now;
    ticks++;
  }, 10);
  try {
    const value = await work;
    return { value, maxLagMs: Math.round(maxLagMs), ticks };
  } finally {
    clearInterval(timer);
  }
}
