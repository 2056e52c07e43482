import { parentPort, workerData } from "node:worker_threads";

// Burns the CPU in units of fixed work until told to stop (control[0] = 1) or its deadline
// passes, counting the units it finished in counts[index]: the parent reads them at any
// moment without a message (its own thread may be starved of the quota).
const { control, counts, index, ms, unit } = workerData as {
  control: SharedArrayBuffer;
  counts: SharedArrayBuffer;
  index: number;
  ms: number;
  unit: number;
};
const stop = new Int32Array(control);
const done = new Int32Array(counts);
parentPort?.postMessage("ready");
// Everyone starts together: the parent sets control[1] once every worker is ready.
Atomics.wait(stop, 1, 0);
const deadline = ms > 0 ? performance.now() + ms : Number.POSITIVE_INFINITY;
let x = index + 1;
while (Atomics.load(stop, 0) === 0 && performance.now() < deadline) {
  for (let i = 0; i < unit; i++) x = (Math.imul(x, 31) + i) | 0;
  Atomics.add(done, index, 1);
}
parentPort?.postMessage({ units: Atomics.load(done, index), x });
