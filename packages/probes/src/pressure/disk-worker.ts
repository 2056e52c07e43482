import { closeSync, openSync, writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { errorCode } from "../errors.ts";

// Writes its own file until ENOSPC or its share (share < 0: no share, write until an error).
const { file, share, chunk } = workerData as { file: string; share: number; chunk: number };
const buf = Buffer.alloc(chunk, 0x42);
let written = 0;
let error: string | null = null;
let fd = -1;
try {
  fd = openSync(file, "w");
  while (share < 0 || written < share) {
    const n = share < 0 ? chunk : Math.min(chunk, share - written);
    const w = writeSync(fd, buf, 0, n);
    written += w;
    if (w === 0) break;
  }
} catch (e) {
  error = errorCode(e);
} finally {
  if (fd >= 0) closeSync(fd);
}
parentPort?.postMessage({ written, error });
