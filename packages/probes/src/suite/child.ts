import { type ChildEnd, runChild } from "../run-child.ts";

/**
 * Runs `bun -e code` as a child process with a timeout and collects how it ended.
 *
 * @example
 * const end = await runBunChild("process.exit(3)"); // end.exitCode === 3
 */
export function runBunChild(code: string, timeoutMs = 20_000): Promise<ChildEnd> {
  return runChild([process.execPath, "-e", code], timeoutMs);
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
