import type { Server, Socket } from "node:net";
import { CLASS_BRAND } from "@brink/guard";
import { ProbeError } from "../errors.ts";
import {
  type FaultSettings,
  faultSettings,
  type PeerMode,
  Shaper,
  type Step,
} from "./fault-shape.ts";
import { Pressure } from "./pressure.ts";
import { requireFence } from "./require-fence.ts";

/** Options of {@link faultyPeer}: a mode, its numbers, and what the peer is. */
export interface FaultyPeerOptions extends Partial<Omit<FaultSettings, "mode">> {
  mode: PeerMode;
  /**
   * What it speaks when it has no upstream: "http" answers each connection's first request
   * with `body` (Content-Length set, then close); "tcp" echoes what it reads.
   * @default "http"
   */
  protocol?: "http" | "tcp";
  /** Stand in front of your own local server instead: its port on 127.0.0.1, or a loopback host and port. */
  upstream?: number | { host: string; port: number };
  /** The HTTP answer's body. @default 64 KiB of "b" */
  body?: string | Uint8Array;
}

/** What the client did, as the peer saw it. */
export interface PeerStats {
  mode: PeerMode;
  /** Connections accepted. */
  connections: number;
  /** Connections still open. */
  open: number;
  /** Bytes read from clients, and sent to them. */
  bytesIn: number;
  bytesOut: number;
  /** Connections the peer reset (RST). */
  resets: number;
  /** Connections the client closed (or half-closed) before the peer did. */
  closedByClient: number;
  /** For each connection that ended: ms from accept to its close. */
  heldMs: number[];
  /** The longest a client waited on one connection before it closed (open ones count to now). */
  waitedMs: number;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const encoder = new TextEncoder();

interface Conn {
  client: Socket;
  upstream: Socket | null;
  opened: number;
  steps: Step[];
  pumping: boolean;
  peerClosed: boolean;
}

/** A local TCP/HTTP peer that misbehaves on purpose; point your client at `url` (or `port`). */
export class FaultyPeer extends Pressure {
  static override readonly [CLASS_BRAND] = "FaultyPeer";
  readonly #conns = new Set<Conn>();
  readonly #stats = { connections: 0, bytesIn: 0, bytesOut: 0, resets: 0, closedByClient: 0 };
  readonly #held: number[] = [];
  readonly #timers = new Set<Timer>();
  readonly #idle = new Set<() => void>();
  #server: Server | null = null;
  /** node:net's connect, imported by listen(): a probe that never starts a peer never loads node:net. */
  #connect: typeof import("node:net").connect = () => {
    throw new Error("FaultyPeer: listen() first");
  };
  #port = 0;

  constructor(
    readonly settings: FaultSettings,
    readonly protocol: "http" | "tcp",
    private readonly upstream: { host: string; port: number } | null,
    private readonly body: Uint8Array,
  ) {
    super();
  }

  /** The port it listens on (nothing listens there in mode "refuse"). */
  get port(): number {
    return this.#port;
  }

  get mode(): PeerMode {
    return this.settings.mode;
  }

  /** `http://127.0.0.1:<port>/` (or `tcp://...` for protocol "tcp"). */
  get url(): string {
    return `${this.protocol}://127.0.0.1:${this.port}/`;
  }

  get connections(): number {
    return this.#stats.connections;
  }

  get open(): number {
    return this.#conns.size;
  }

  /**
   * A snapshot of what clients did: connections, bytes each way, resets, closes, and how
   * long they waited.
   *
   * @example
   * peer.stats() // { mode: "blackhole", connections: 1, open: 0, bytesIn: 78, waitedMs: 302, ... }
   */
  stats(): PeerStats {
    const now = performance.now();
    const open = [...this.#conns].map((c) => now - c.opened);
    return {
      mode: this.mode,
      ...this.#stats,
      open: this.#conns.size,
      heldMs: this.#held.map(Math.round),
      waitedMs: Math.round(Math.max(0, ...this.#held, ...open)),
    };
  }

  /**
   * Resolves true once no connection is open, false when `timeoutMs` passes first: did the
   * client close what it gave up on?
   *
   * @example
   * expect(await peer.idle(1000)).toBe(true);
   */
  idle(timeoutMs = 1000): Promise<boolean> {
    if (this.#conns.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(t);
        this.#idle.delete(onIdle);
        resolve(v);
      };
      const onIdle = () => done(true);
      const t = setTimeout(() => done(false), timeoutMs);
      this.#idle.add(onIdle);
    });
  }

  /** @internal Starts listening on a free loopback port; mode "refuse" takes one and closes it. */
  async listen(): Promise<void> {
    const { connect, createServer } = await import("node:net");
    this.#connect = connect;
    const server = createServer({ allowHalfOpen: true }, (s) => this.#accept(s));
    server.on("error", () => {});
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    this.#port = (server.address() as { port: number }).port;
    if (this.mode === "refuse") await new Promise<void>((r) => server.close(() => r()));
    else this.#server = server;
  }

  #accept(client: Socket): void {
    this.#stats.connections++;
    const conn: Conn = {
      client,
      upstream: null,
      opened: performance.now(),
      steps: [],
      pumping: false,
      peerClosed: false,
    };
    this.#conns.add(conn);
    const shape = new Shaper(this.settings);
    const send = (steps: Step[]) => {
      conn.steps.push(...steps);
      void this.#pump(conn);
    };
    client.on("error", () => {});
    client.on("close", () => this.#closed(conn));
    const swallow = this.mode === "blackhole" || this.mode === "half-open";
    client.on("end", () => {
      if (!conn.peerClosed) this.#stats.closedByClient++;
      // A client that gave up on a peer that never answers: nothing is left to hold.
      if (swallow) client.destroy();
      conn.upstream?.end();
      if (!conn.upstream && this.protocol === "tcp") send(shape.end());
    });
    if (this.mode === "half-open") {
      conn.peerClosed = true;
      client.end();
    }
    if (this.upstream && !swallow) {
      const up = this.#connect(this.upstream.port, this.upstream.host);
      conn.upstream = up;
      up.on("error", () => client.destroy());
      up.on("data", (d: Buffer) => send(shape.data(d)));
      up.on("end", () => send(shape.end()));
      // Its end goes through the shape (a close, a slow close, a reset); only a failure is passed on at once.
      up.on("close", (hadError: boolean) => hadError && client.destroy());
    }
    let request: string | null = "";
    client.on("data", (d: Buffer) => {
      this.#stats.bytesIn += d.length;
      if (swallow) return;
      if (conn.upstream) conn.upstream.write(d);
      else if (this.protocol === "tcp") send(shape.data(d));
      else if (request !== null) {
        // One answer a connection, once the request's head is in (its body is read and dropped).
        request += d.toString("latin1");
        if (request.includes("\r\n\r\n")) {
          request = null;
          send([...shape.data(this.#response()), ...shape.end()]);
        }
      }
    });
  }

  #response(): Uint8Array {
    const head = encoder.encode(
      `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${this.body.length}\r\nConnection: close\r\n\r\n`,
    );
    const out = new Uint8Array(head.length + this.body.length);
    out.set(head);
    out.set(this.body, head.length);
    return out;
  }

  async #pump(conn: Conn): Promise<void> {
    if (conn.pumping) return;
    conn.pumping = true;
    try {
      for (let step = conn.steps.shift(); step; step = conn.steps.shift()) {
        if (step.delayMs > 0) await this.#sleep(step.delayMs);
        const c = conn.client;
        if (this.released || c.destroyed) return;
        if (step.kind === "write") {
          this.#stats.bytesOut += step.bytes.length;
          if (!c.write(step.bytes))
            await new Promise((r) => {
              c.once("drain", r);
              c.once("close", r);
            });
        } else if (step.kind === "end") {
          conn.peerClosed = true;
          c.end();
          conn.upstream?.destroy();
        } else {
          conn.peerClosed = true;
          this.#stats.resets++;
          c.resetAndDestroy();
          conn.upstream?.destroy();
        }
      }
    } finally {
      conn.pumping = false;
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, ms);
      this.#timers.add(t);
    });
  }

  #closed(conn: Conn): void {
    if (!this.#conns.delete(conn)) return;
    this.#held.push(performance.now() - conn.opened);
    conn.upstream?.destroy();
    if (this.#conns.size === 0) for (const f of [...this.#idle]) f();
  }

  protected async free(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const c of this.#conns) {
      c.client.destroy();
      c.upstream?.destroy();
    }
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}

function loopbackUpstream(u: FaultyPeerOptions["upstream"]): { host: string; port: number } | null {
  if (u === undefined) return null;
  const { host, port } = typeof u === "number" ? { host: "127.0.0.1", port: u } : u;
  if (!LOOPBACK.has(host)) {
    throw new ProbeError(
      "BAD_OPTION",
      `faultyPeer: upstream ${host} is not on loopback; a faulty peer stands only in front of a local server (127.0.0.1, ::1, localhost)`,
    );
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ProbeError("BAD_OPTION", `faultyPeer: upstream port ${port} is not 1..65535`);
  }
  return { host, port };
}

/**
 * Starts a local peer on 127.0.0.1 that misbehaves the way `mode` says (latency, bandwidth,
 * slow-close, blackhole, slicer, truncate, reset, refuse, half-open): an HTTP server of its
 * own, a TCP echo, or a proxy in front of your local server (`upstream`). Point your client
 * at `url`; `stats()` tells what the client did. In-process: no proxy to install.
 *
 * @example
 * await using peer = await faultyPeer({ mode: "blackhole" });
 * await fetch(peer.url, { signal: AbortSignal.timeout(300) }); // rejects: TimeoutError
 * peer.stats().waitedMs; // ~300
 */
export async function faultyPeer(options: FaultyPeerOptions): Promise<FaultyPeer> {
  requireFence("nofile", "faultyPeer");
  const settings = faultSettings(options);
  const protocol = options.protocol ?? "http";
  if (protocol !== "http" && protocol !== "tcp") {
    throw new ProbeError(
      "BAD_OPTION",
      `faultyPeer: protocol must be "http" or "tcp", got ${protocol}`,
    );
  }
  const upstream = loopbackUpstream(options.upstream);
  const body =
    options.body === undefined
      ? new Uint8Array(64 * 1024).fill(0x62)
      : typeof options.body === "string"
        ? encoder.encode(options.body)
        : options.body;
  const peer = new FaultyPeer(settings, protocol, upstream, body);
  await peer.listen();
  return peer;
}
