import { ProbeError } from "../errors.ts";

/**
 * How a faulty peer misbehaves (the first seven after Toxiproxy's toxics):
 * - `latency`: every chunk it sends waits `latencyMs` ± `jitterMs`;
 * - `bandwidth`: it sends at most `bytesPerSecond`;
 * - `slow-close`: it sends everything, then waits `closeDelayMs` before closing;
 * - `blackhole`: it accepts and reads, and never answers nor closes (Toxiproxy's `timeout` at 0);
 * - `slicer`: it sends `sliceBytes`-byte packets, `sliceDelayMs` apart;
 * - `truncate`: it closes (FIN) after `limitBytes` (Toxiproxy's `limit_data`);
 * - `reset`: it resets the connection (RST) after `limitBytes` (`reset_peer`);
 * - `refuse`: nothing listens on its port (ECONNREFUSED);
 * - `half-open`: it accepts and closes its sending side at once, and keeps reading.
 */
export const PEER_MODES = [
  "latency",
  "bandwidth",
  "slow-close",
  "blackhole",
  "slicer",
  "truncate",
  "reset",
  "refuse",
  "half-open",
] as const;
export type PeerMode = (typeof PEER_MODES)[number];

/** The numbers a mode uses; each has a default (see {@link faultSettings}). */
export interface FaultSettings {
  mode: PeerMode;
  /** latency: ms before each chunk. @default 200 */
  latencyMs: number;
  /** latency: up to this many ms more or less, from a seeded generator. @default 0 */
  jitterMs: number;
  /** bandwidth: bytes a second. @default 16384 */
  bytesPerSecond: number;
  /** slow-close: ms between the last byte and the close. @default 1000 */
  closeDelayMs: number;
  /** slicer: bytes a packet. @default 8 */
  sliceBytes: number;
  /** slicer: ms between packets. @default 1 */
  sliceDelayMs: number;
  /** truncate, reset: bytes sent before the close or the reset. @default 1024 */
  limitBytes: number;
  /** The jitter's seed: the same seed, the same delays. @default 1 */
  seed: number;
}

/** One thing the peer does to a connection, after waiting `delayMs`. */
export type Step =
  | { kind: "write"; delayMs: number; bytes: Uint8Array }
  | { kind: "end"; delayMs: number }
  | { kind: "reset"; delayMs: number };

const DEFAULTS: Omit<FaultSettings, "mode"> = {
  latencyMs: 200,
  jitterMs: 0,
  bytesPerSecond: 16 * 1024,
  closeDelayMs: 1000,
  sliceBytes: 8,
  sliceDelayMs: 1,
  limitBytes: 1024,
  seed: 1,
};

/**
 * Fills in a mode's defaults and checks every number (finite, not negative; sizes and rates
 * at least 1).
 *
 * @example
 * faultSettings({ mode: "bandwidth", bytesPerSecond: 1024 }).bytesPerSecond // 1024
 */
export function faultSettings(options: Partial<FaultSettings> & { mode: PeerMode }): FaultSettings {
  if (!PEER_MODES.includes(options?.mode)) {
    throw new ProbeError(
      "BAD_OPTION",
      `faultyPeer: mode "${String(options?.mode)}" is not one of ${PEER_MODES.join(", ")}`,
    );
  }
  const s = { ...DEFAULTS, ...definedOnly(options) } as FaultSettings;
  for (const k of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const v = s[k];
    const least = k === "bytesPerSecond" || k === "sliceBytes" ? 1 : 0;
    if (typeof v !== "number" || !Number.isFinite(v) || v < least) {
      throw new ProbeError("BAD_OPTION", `faultyPeer: ${k} must be a number ≥ ${least}, got ${v}`);
    }
  }
  return s;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A small seeded generator in [0, 1) (mulberry32): jitter that repeats run after run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/**
 * What a faulty peer does with the bytes it sends on one connection: `data` turns each
 * chunk into steps (writes after delays, a close or a reset), `end` the end of what it has
 * to send. Pure: the peer carries the steps out in order.
 *
 * @example
 * const shape = new Shaper(faultSettings({ mode: "truncate", limitBytes: 4 }));
 * shape.data(new TextEncoder().encode("hello")); // write "hell", then end
 */
export class Shaper {
  /** Bytes let through so far. */
  sent = 0;
  /** Set once the shape has closed or reset the connection: later data is dropped. */
  closed = false;
  readonly #random: () => number;

  constructor(readonly settings: FaultSettings) {
    this.#random = seeded(settings.seed);
  }

  /** Steps for one chunk the peer would send. */
  data(chunk: Uint8Array): Step[] {
    const s = this.settings;
    if (this.closed || chunk.length === 0) return [];
    switch (s.mode) {
      case "blackhole":
      case "half-open":
      case "refuse":
        return [];
      case "latency": {
        const jitter = s.jitterMs * (2 * this.#random() - 1);
        return [this.#write(chunk, Math.max(0, s.latencyMs + jitter))];
      }
      case "bandwidth": {
        const size = Math.max(1, Math.floor(s.bytesPerSecond / 10));
        return pieces(chunk, size).map((p) => this.#write(p, (p.length / s.bytesPerSecond) * 1000));
      }
      case "slicer":
        return pieces(chunk, s.sliceBytes).map((p) => this.#write(p, s.sliceDelayMs));
      case "slow-close":
        return [this.#write(chunk, 0)];
      case "truncate":
      case "reset": {
        const room = s.limitBytes - this.sent;
        const steps: Step[] = room > 0 ? [this.#write(chunk.subarray(0, room), 0)] : [];
        if (chunk.length >= room) steps.push(this.#close());
        return steps;
      }
    }
  }

  /** Steps once the peer has nothing more to send. */
  end(): Step[] {
    const s = this.settings;
    if (this.closed || s.mode === "blackhole" || s.mode === "half-open") return [];
    if (s.mode === "reset") return [this.#close()];
    this.closed = true;
    return [{ kind: "end", delayMs: s.mode === "slow-close" ? s.closeDelayMs : 0 }];
  }

  #write(bytes: Uint8Array, delayMs: number): Step {
    this.sent += bytes.length;
    return { kind: "write", delayMs, bytes };
  }

  #close(): Step {
    this.closed = true;
    return { kind: this.settings.mode === "reset" ? "reset" : "end", delayMs: 0 };
  }
}
