import { closeSync, readlinkSync } from "node:fs";
import type { Server, Socket } from "node:net";
import type { Worker } from "node:worker_threads";
import { CLASS_BRAND } from "@brink/guard";
import { errorCode, ProbeError } from "../errors.ts";
import { openUntil } from "./open-until.ts";
import { firstMessage, Pressure, split } from "./pressure.ts";
import { positive, requireFence } from "./require-fence.ts";

/** Options of {@link openDescriptors}. */
export interface OpenDescriptorsOptions {
  /**
   * "file" opens `path` again and again; "pipe" opens this process's stdout (or stdin,
   * stderr) pipe again through /proc/self/fd, so each descriptor is a real pipe end;
   * "socket" connects to a loopback server.
   * @default "file"
   */
  kind?: "file" | "pipe" | "socket";
  /** Stop at this many descriptors; without it, go until an error (EMFILE). */
  target?: number;
  /** Worker threads opening at once (files and pipes). @default 1 */
  workers?: number;
  /** @default "/dev/null" */
  path?: string;
}

/** Descriptors held open. */
export class FdPressure extends Pressure {
  static override readonly [CLASS_BRAND] = "FdPressure";
  constructor(
    /** Descriptors opened by this call. */
    readonly opened: number,
    /** The error that stopped it (e.g. "EMFILE"), or null when the target was reached. */
    readonly error: string | null,
    /** The nofile limit the guard read. */
    readonly limit: number | null,
    private readonly fds: number[],
    private readonly sockets: Socket[],
    private readonly server: Server | null,
    private readonly workers: Worker[],
  ) {
    super();
  }

  protected async free(): Promise<void> {
    for (const fd of this.fds) closeSync(fd);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * One loopback connection: the socket, or the error code it failed with ("ETIMEDOUT" when it
 * neither connected nor failed within `timeoutMs`: seen in Bun under EMFILE).
 *
 * @example
 * const { socket, code } = await connectOnce(port);
 */
export async function connectOnce(
  port: number,
  timeoutMs = 5000,
): Promise<{ socket: Socket | null; code: string | null }> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    let s: Socket;
    try {
      s = connect(port, "127.0.0.1");
    } catch (e) {
      resolve({ socket: null, code: errorCode(e) });
      return;
    }
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ socket: null, code: "ETIMEDOUT" });
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(timer);
      resolve({ socket: s, code: null });
    });
    s.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ socket: null, code: e.code ?? e.message });
    });
  });
}

async function openSockets(
  target: number,
): Promise<{ sockets: Socket[]; error: string | null; server: Server }> {
  const { createServer } = await import("node:net");
  const accepted: Socket[] = [];
  const server = createServer((s) => accepted.push(s));
  server.on("error", () => {});
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  const sockets: Socket[] = [];
  let error: string | null = null;
  while (sockets.length < target) {
    const { socket, code } = await connectOnce(port);
    if (socket) sockets.push(socket);
    if (code) {
      error = code;
      break;
    }
  }
  return { sockets: [...sockets, ...accepted], error, server };
}

/** A pipe among stdin, stdout and stderr, to open again through /proc/self/fd. */
export function pipeToReopen(): { path: string; flags: "r" | "w" } {
  for (const fd of [1, 2, 0]) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith("pipe:")) {
        return { path: `/proc/self/fd/${fd}`, flags: fd === 0 ? "r" : "w" };
      }
    } catch {
      // not there: try the next
    }
  }
  throw new ProbeError(
    "BAD_OPTION",
    'openDescriptors({ kind: "pipe" }): none of stdin, stdout, stderr is a pipe to open again',
  );
}

/**
 * Opens descriptors until EMFILE (or `target`), from worker threads at once for files.
 *
 * @example
 * await using fds = await openDescriptors({ kind: "file", workers: 4 });
 * console.log(fds.opened, fds.error, fds.limit); // 250 "EMFILE" 256
 */
export async function openDescriptors(options: OpenDescriptorsOptions = {}): Promise<FdPressure> {
  const { fences } = requireFence("nofile", "openDescriptors");
  const target = Math.floor(positive("target", options.target) ?? Number.POSITIVE_INFINITY);
  const limit = fences.nofile.soft;
  if (options.kind === "socket") {
    const { sockets, error, server } = await openSockets(target);
    return new FdPressure(sockets.length, error, limit, [], sockets, server, []);
  }
  const workers = Math.floor(positive("workers", options.workers) ?? 1);
  const { path, flags } =
    options.kind === "pipe" ? pipeToReopen() : { path: options.path ?? "/dev/null", flags: "r" };
  if (workers === 1) {
    const { fds, error } = openUntil(path, flags, target);
    return new FdPressure(fds.length, error, limit, fds, [], null, []);
  }
  const shares = Number.isFinite(target) ? split(target, workers) : Array(workers).fill(-1);
  const { Worker } = await import("node:worker_threads");
  const pool = shares.map(
    (share) =>
      new Worker(new URL("./fd-worker.ts", import.meta.url), {
        workerData: { share, path, flags },
      }),
  );
  try {
    await Promise.all(pool.map((w) => firstMessage<"ready">(w)));
    const results = pool.map((w) => firstMessage<{ fds: number[]; error: string | null }>(w));
    for (const w of pool) w.postMessage("go");
    const reports = await Promise.all(results);
    const fds = reports.flatMap((r) => r.fds);
    const error = reports.find((r) => r.error)?.error ?? null;
    return new FdPressure(fds.length, error, limit, fds, [], null, pool);
  } catch (e) {
    await Promise.all(pool.map((w) => w.terminate()));
    throw new ProbeError("WORKER_FAILED", `openDescriptors: ${(e as Error).message}`, { cause: e });
  }
}
