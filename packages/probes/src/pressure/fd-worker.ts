import { openSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

// Says "ready", waits for "go" (so every worker is loaded before descriptors run out), then
// opens `path` until EMFILE or its share. The parent closes the descriptors: they belong to
// the process, not the thread.
const { share, path, flags } = workerData as { share: number; path: string; flags: string };
parentPort?.once("message", () => {
  const fds: number[] = [];
  let error: string | null = null;
  while (share < 0 || fds.length < share) {
    try {
      fds.push(openSync(path, flags));
    } catch (e) {
      error = (e as NodeJS.ErrnoException).code ?? String(e);
      break;
    }
  }
  parentPort?.postMessage({ fds, error });
});
parentPort?.postMessage("ready");
