/** How a child process ended, and the end of what it printed. */
export interface ChildEnd {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a command as a child process, killing it (SIGKILL) past `timeoutMs`, and collects
 * how it ended with the last 2000 characters of its stdout and stderr.
 *
 * @example
 * const end = await runChild(["sleep", "5"], 100); // end.timedOut === true
 */
export async function runChild(argv: string[], timeoutMs: number): Promise<ChildEnd> {
  const child = Bun.spawn(argv, {
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
    stdout: stdout.slice(-2000),
    stderr: stderr.slice(-2000),
    timedOut,
  };
}
