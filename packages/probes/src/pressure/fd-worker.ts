import { parentPort, workerData } from "node:worker_threads";
import { openUntil } from "./open-until.ts";

// Says "ready", waits for "go" (so every worker is loaded before descriptors run out), then
// opens `path` until EMFILE or its share. The parent closes the descriptors: they belong to
// the process, not the thread.
const { share, path, flags } = workerData as { share: number; path: string; flags: string };
parentPort?.once("message", () => parentPort?.postMessage(openUntil(path, flags, share)));
parentPort?.postMessage("ready");
