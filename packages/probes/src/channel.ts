/**
 * The authenticated channel from a brink process in the container (the runner, the sweep
 * driver) to the host, carried on the container's stdout.
 *
 * The first line is a hello with a fresh random key, written before any code under test
 * runs in the container (the runner and the driver import no user code, and start user
 * code only in child processes whose stdout and stderr they capture). Every later event is
 * `{"brink":<seq>,"mac":<hex>,"e":<event>}` with mac = HMAC-SHA256(key, seq + "\n" + event
 * JSON). The key lives only in the writer's memory: a process under test that writes on
 * the container's stdout by any path cannot make a line the host believes without reading
 * another process's memory.
 */
export interface ChannelWriter {
  /** Sends one event on a line of its own. */
  send(event: object): void;
}

const HELLO = "hello";
const MAX_SEQ = 1e9;

// Bun's own hasher and Web Crypto, not node:crypto: importing that costs each process
// that opens a channel (every container's runner, every brink command) ~6 ms.
function mac(key: Buffer, seq: number, body: string): string {
  return new Bun.CryptoHasher("sha256", key).update(`${seq}\n${body}`).digest("hex");
}

/** Compares two byte strings in time that does not depend on where they differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * Opens the writing end: writes the hello line at once, and returns a writer that signs
 * each event. `write` must write a whole line synchronously.
 *
 * @example
 * const channel = openChannel((line) => writeAllSync(1, line));
 * channel.send({ event: "done", total: 0 });
 */
export function openChannel(write: (line: string) => void): ChannelWriter {
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32)));
  const stringify = JSON.stringify;
  let seq = 0;
  write(`\n${stringify({ brink: HELLO, v: 1, key: key.toString("hex") })}\n`);
  return {
    send(event) {
      seq++;
      const body = stringify(event);
      write(`\n{"brink":${seq},"mac":"${mac(key, seq, body)}","e":${body}}\n`);
    },
  };
}

/** What the host makes of one stdout line. */
export type ChannelLine =
  | { kind: "hello" }
  | { kind: "event"; event: unknown }
  /** Not a channel line at all: stray output (kept as log, never believed). */
  | { kind: "stray"; line: string }
  /** Looks like a channel line but is not the writer's: forged, replayed, a second hello. Never believed; not an error of the writer either. */
  | { kind: "bad"; line: string; why: string }
  /** A signed event arrived after a gap: the writer's events before it were lost (mangled in transit). */
  | { kind: "lost"; line: string; why: string };

/**
 * The host's end: believes the first hello, then only events whose MAC verifies and whose
 * sequence number is the next one. Lines that do not verify are `bad` (someone else wrote
 * them: ignore them); a verified event after a gap is `lost` (the writer's own events went
 * missing: that is an error).
 *
 * @example
 * const reader = channelReader();
 * for (const line of lines) { const l = reader.accept(line); if (l.kind === "event") use(l.event); }
 */
export function channelReader(): { accept(line: string): ChannelLine } {
  let key: Buffer | null = null;
  let seq = 0;
  return {
    accept(raw) {
      const line = raw.trim();
      if (!line.startsWith('{"brink":')) return { kind: "stray", line: raw };
      let v: { brink?: unknown; key?: unknown; mac?: unknown; e?: unknown };
      try {
        v = JSON.parse(line);
      } catch {
        return { kind: "bad", line: raw, why: "not JSON" };
      }
      if (v.brink === HELLO) {
        if (key) return { kind: "bad", line: raw, why: "a second hello" };
        if (typeof v.key !== "string" || !/^[0-9a-f]{64}$/.test(v.key))
          return { kind: "bad", line: raw, why: "a hello without a key" };
        key = Buffer.from(v.key, "hex");
        return { kind: "hello" };
      }
      if (!key) return { kind: "bad", line: raw, why: "an event before the hello" };
      if (typeof v.brink !== "number" || !Number.isInteger(v.brink) || v.brink > MAX_SEQ)
        return { kind: "bad", line: raw, why: "no sequence number" };
      // The MAC covers the event exactly as written: cut it out of the line, not re-encoded.
      const at = line.indexOf(',"e":');
      const body = at < 0 ? "" : line.slice(at + 5, -1);
      const want = Buffer.from(mac(key, v.brink, body), "hex");
      const got = Buffer.from(typeof v.mac === "string" ? v.mac : "", "hex");
      if (!sameBytes(got, want)) return { kind: "bad", line: raw, why: "its MAC does not verify" };
      if (v.brink <= seq) return { kind: "bad", line: raw, why: `sequence ${v.brink} replayed` };
      if (v.brink > seq + 1) {
        // Signed by the writer, but events before it never arrived whole.
        const lost = {
          kind: "lost",
          line: raw,
          why: `events ${seq + 1}..${v.brink - 1} were lost`,
        } as const;
        seq = v.brink;
        return lost;
      }
      seq = v.brink;
      return { kind: "event", event: v.e };
    },
  };
}
