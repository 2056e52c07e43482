import { writeSync } from "node:fs";

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `text` to `fd`, synchronously, even when the descriptor has been made
 * non-blocking: Bun switches stdout to non-blocking once a probe floods it, and a plain
 * writeSync then throws EAGAIN (seen) or writes part of the text.
 *
 * @example
 * writeAllSync(1, '{"event":"done","total":0}\n');
 */
export function writeAllSync(fd: number, text: string): void {
  let buf = Buffer.from(text);
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(pause, 0, 0, 2);
    }
  }
}
