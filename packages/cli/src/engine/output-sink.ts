/**
 * A writer into `stream` (brink's stdout or stderr) that honours backpressure: when a write
 * is buffered (write() returned false) the promise waits for 'drain', so the container's
 * output is read no faster than brink's own reader takes it. Once `signal` aborts (the
 * reader went away, or the command is being stopped) it no longer waits.
 *
 * @example
 * const out = outputSink(process.stdout, scope.signal);
 * await engine.run(spec, { onStdout: out });
 */
export function outputSink(
  stream: NodeJS.WritableStream,
  signal: AbortSignal,
): (chunk: Buffer | string) => Promise<void> {
  return async (chunk) => {
    if (stream.write(chunk) || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        stream.off("drain", done);
        stream.off("error", done);
        stream.off("close", done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      stream.on("drain", done);
      stream.on("error", done);
      stream.on("close", done);
      signal.addEventListener("abort", done);
    });
  };
}
