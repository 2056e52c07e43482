import { parentPort, workerData } from "node:worker_threads";

// Allocates its share in chunks and touches every page so the cgroup is really charged,
// then holds it until the parent terminates this worker.
const { bytes, chunk } = workerData as { bytes: number; chunk: number };
const held: Uint8Array[] = [];
let reached = 0;
let error: string | null = null;
try {
  while (reached < bytes) {
    const n = Math.min(chunk, bytes - reached);
    const a = new Uint8Array(n);
    a.fill(0x5a);
    held.push(a);
    reached += n;
  }
} catch (e) {
  error = `${(e as Error).name}: ${(e as Error).message}`;
}
parentPort?.postMessage({ reached, error });
setInterval(() => held.length, 1 << 30);
