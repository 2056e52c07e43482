import { lookup } from "node:dns/promises";
import { connect } from "node:net";
import { errorCode } from "../errors.ts";
import { defineProbe, type Probe, verdict } from "../probe.ts";
import { recover } from "./recovery.ts";

/** How a fetch (and reading its whole body) ended: bytes read, or the error's name and code. */
interface FetchEnd {
  ok: boolean;
  status: number | null;
  bytes: number;
  name: string | null;
  code: string | null;
  message: string | null;
  ms: number;
}

async function fetchAll(url: string, init: RequestInit = {}): Promise<FetchEnd> {
  const t = performance.now();
  let status: number | null = null;
  try {
    const r = await fetch(url, init);
    status = r.status;
    const body = await r.arrayBuffer();
    return end(t, { ok: true, status, bytes: body.byteLength });
  } catch (e) {
    const err = e as Error & { code?: unknown };
    return end(t, {
      ok: false,
      status,
      bytes: 0,
      name: err?.name ?? String(e),
      code: err?.code === undefined ? null : String(err.code),
      message: String(err?.message ?? e).slice(0, 200),
    });
  }
}

function end(t: number, r: Partial<FetchEnd>): FetchEnd {
  return {
    ok: false,
    status: null,
    bytes: 0,
    name: null,
    code: null,
    message: null,
    ...r,
    ms: Math.round(performance.now() - t),
  };
}

/** A raw TCP connect: the error code it failed with (null: it connected), and how long it took. */
function rawConnect(port: number, timeoutMs = 5000): Promise<{ code: string | null; ms: number }> {
  const t = performance.now();
  return new Promise((resolve) => {
    const done = (code: string | null) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ code, ms: Math.round(performance.now() - t) });
    };
    const s = connect(port, "127.0.0.1");
    const timer = setTimeout(() => done("ETIMEDOUT"), timeoutMs);
    s.once("connect", () => done(null));
    s.once("error", (e) => done(errorCode(e)));
  });
}

/** Slack over a deadline before an ending counts as late: generous, timers only. */
const SLACK_MS = 1500;
const KiB = 1024;

export const netProbes: Probe[] = [
  defineProbe({
    id: "net.refused-fails-fast",
    category: "net",
    title: "connecting to a closed port fails with ECONNREFUSED at once (net.connect and fetch)",
    async run(ctx) {
      await using peer = await ctx.pressure.faultyPeer({ mode: "refuse" });
      const raw = await rawConnect(peer.port);
      const f = await fetchAll(peer.url, { signal: AbortSignal.timeout(5000) });
      const ok =
        raw.code === "ECONNREFUSED" && raw.ms < 1000 && f.code === "ECONNREFUSED" && f.ms < 1000;
      return verdict(
        ok,
        `net.connect -> ${raw.code} in ${raw.ms} ms; fetch -> ${f.code ?? f.name} in ${f.ms} ms`,
        { connect: raw, fetch: f, peer: peer.stats() },
      );
    },
  }),
  defineProbe({
    id: "net.fetch-blackhole-times-out",
    category: "net",
    title:
      "a fetch with AbortSignal.timeout against a peer that never answers ends on time and closes its socket",
    async run(ctx) {
      await using peer = await ctx.pressure.faultyPeer({ mode: "blackhole" });
      const deadlineMs = 500;
      const f = await fetchAll(peer.url, { signal: AbortSignal.timeout(deadlineMs) });
      const closed = await peer.idle(2000);
      const st = peer.stats();
      const ok =
        f.name === "TimeoutError" &&
        f.ms >= deadlineMs - 1 &&
        f.ms <= deadlineMs + SLACK_MS &&
        st.connections === 1 &&
        st.bytesIn > 0 &&
        closed;
      return verdict(
        ok,
        `fetch -> ${f.name} after ${f.ms} ms (deadline ${deadlineMs}); the peer held the connection ${st.waitedMs} ms; ${closed ? "closed" : "left open"} by the client`,
        { deadlineMs, fetch: f, closedByClient: closed, peer: st },
      );
    },
  }),
  defineProbe({
    id: "net.reset-mid-body-is-an-error",
    category: "net",
    title: "a connection reset in the middle of the body rejects, never a truncated success",
    async run(ctx) {
      await using peer = await ctx.pressure.faultyPeer({ mode: "reset", limitBytes: 4 * KiB });
      const f = await fetchAll(peer.url, { signal: AbortSignal.timeout(5000) });
      const st = peer.stats();
      return verdict(
        !f.ok && f.name !== "TimeoutError" && st.resets === 1,
        f.ok
          ? `resolved with ${f.bytes} of ${64 * KiB} bytes: a truncated success`
          : `rejected with ${f.name} ${f.code ?? ""} after ${st.bytesOut} bytes and a reset`,
        { fetch: f, peer: st },
      );
    },
  }),
  defineProbe({
    id: "net.truncated-body-is-an-error",
    category: "net",
    title: "a peer that closes before Content-Length bytes were sent makes the body read reject",
    async run(ctx) {
      await using peer = await ctx.pressure.faultyPeer({ mode: "truncate", limitBytes: 4 * KiB });
      const f = await fetchAll(peer.url, { signal: AbortSignal.timeout(5000) });
      const st = peer.stats();
      return verdict(
        !f.ok && f.name !== "TimeoutError",
        f.ok
          ? `resolved with ${f.bytes} of ${64 * KiB} bytes: a truncated success`
          : `rejected with ${f.name} ${f.code ?? ""} after ${st.bytesOut} bytes and a close`,
        { fetch: f, peer: st },
      );
    },
  }),
  defineProbe({
    id: "net.slow-peer-deadline",
    category: "net",
    title: "a body trickling at 16 KiB/s ends at a 600 ms deadline instead of waiting 4 s",
    async run(ctx) {
      await using peer = await ctx.pressure.faultyPeer({
        mode: "bandwidth",
        bytesPerSecond: 16 * KiB,
      });
      const deadlineMs = 600;
      const f = await fetchAll(peer.url, { signal: AbortSignal.timeout(deadlineMs) });
      const closed = await peer.idle(2000);
      const st = peer.stats();
      const ok =
        !f.ok &&
        (f.name === "TimeoutError" || f.name === "AbortError") &&
        f.ms >= deadlineMs - 1 &&
        f.ms <= deadlineMs + SLACK_MS &&
        st.bytesOut < 64 * KiB &&
        closed;
      return verdict(
        ok,
        `fetch -> ${f.ok ? `${f.bytes} bytes` : f.name} after ${f.ms} ms (deadline ${deadlineMs}); ${st.bytesOut} bytes had been sent`,
        { deadlineMs, fetch: f, closedByClient: closed, peer: st },
      );
    },
  }),
  defineProbe({
    id: "net.latency-within-deadline-completes",
    category: "net",
    title:
      "through 150 ± 50 ms of latency, a fetch with a 3 s deadline completes, no sooner than the latency",
    async run(ctx) {
      await using peer = await ctx.pressure.faultyPeer({
        mode: "latency",
        latencyMs: 150,
        jitterMs: 50,
      });
      const runs: FetchEnd[] = [];
      for (let i = 0; i < 3; i++)
        runs.push(await fetchAll(peer.url, { signal: AbortSignal.timeout(3000) }));
      const ok = runs.every((f) => f.ok && f.bytes === 64 * KiB && f.ms >= 100 - 1);
      return verdict(
        ok,
        `3 fetches: ${runs.map((f) => (f.ok ? `${f.ms} ms` : f.name)).join(", ")}`,
        { fetches: runs, peer: peer.stats() },
      );
    },
  }),
  defineProbe({
    id: "net.half-open-peer-fails",
    category: "net",
    title: "a peer that closes its side at once makes fetch reject quickly, not hang",
    async run(ctx) {
      await using peer = await ctx.pressure.faultyPeer({ mode: "half-open" });
      const f = await fetchAll(peer.url, { signal: AbortSignal.timeout(3000) });
      return verdict(
        !f.ok && f.name !== "TimeoutError",
        `fetch -> ${f.ok ? `status ${f.status}` : `${f.name} ${f.code ?? ""}`} in ${f.ms} ms`,
        { fetch: f, peer: peer.stats() },
      );
    },
  }),
  defineProbe({
    id: "net.sliced-body-intact",
    category: "net",
    title: "a response sent in 7-byte packets arrives whole",
    async run(ctx) {
      const body = new Uint8Array(8 * KiB).map((_, i) => (i * 7) & 0xff);
      await using peer = await ctx.pressure.faultyPeer({
        mode: "slicer",
        sliceBytes: 7,
        sliceDelayMs: 0,
        body,
      });
      const t = performance.now();
      let same = false;
      let error: string | null = null;
      try {
        const got = new Uint8Array(
          await (await fetch(peer.url, { signal: AbortSignal.timeout(10_000) })).arrayBuffer(),
        );
        same = got.length === body.length && got.every((b, i) => b === body[i]);
      } catch (e) {
        error = `${(e as Error).name}: ${(e as Error).message}`;
      }
      const st = peer.stats();
      return verdict(
        same,
        same
          ? `${body.length} bytes in 7-byte packets arrived whole`
          : `body differs (${error ?? "other bytes"})`,
        {
          ms: Math.round(performance.now() - t),
          same,
          error,
          peer: st,
        },
      );
    },
  }),
  defineProbe({
    id: "net.slow-close-does-not-delay-response",
    category: "net",
    title:
      "a peer that sends everything but closes 3 s later does not hold up a response with Content-Length",
    async run(ctx) {
      await using peer = await ctx.pressure.faultyPeer({ mode: "slow-close", closeDelayMs: 3000 });
      const f = await fetchAll(peer.url, { signal: AbortSignal.timeout(5000) });
      return verdict(
        f.ok && f.bytes === 64 * KiB && f.ms < 1500,
        `fetch -> ${f.ok ? `${f.bytes} bytes` : f.name} in ${f.ms} ms (the peer closes after 3000 ms)`,
        { fetch: f, peer: peer.stats() },
      );
    },
  }),
  defineProbe({
    id: "net.dns-without-resolver-fails-fast",
    category: "net",
    title: "with no network, a DNS lookup and a fetch by name fail fast and catchably",
    async run() {
      const name = "brink-probe.invalid";
      const t = performance.now();
      let code: string | null = null;
      try {
        await lookup(name);
      } catch (e) {
        code = errorCode(e);
      }
      const lookupMs = Math.round(performance.now() - t);
      const f = await fetchAll(`http://${name}/`, { signal: AbortSignal.timeout(10_000) });
      const dnsCode = (c: string | null) =>
        c === "ENOTFOUND" || c === "EAI_AGAIN" || c === "EAI_FAIL";
      const ok =
        dnsCode(code) && lookupMs < 5000 && !f.ok && f.name !== "TimeoutError" && f.ms < 5000;
      return verdict(
        ok,
        `lookup(${name}) -> ${code} in ${lookupMs} ms; fetch -> ${f.code ?? f.name} in ${f.ms} ms`,
        { name, lookup: { code, ms: lookupMs }, fetch: f },
      );
    },
  }),
  defineProbe({
    id: "net.recovery-after-socket-exhaustion",
    category: "net",
    title:
      "sockets until the descriptors run out; a fetch then ends by its deadline, and works again once they are closed",
    timeoutMs: 60_000,
    async run(ctx) {
      await using peer = await ctx.pressure.faultyPeer({ mode: "latency", latencyMs: 0 });
      const warm = await fetchAll(peer.url, { signal: AbortSignal.timeout(5000) });
      const socks = await ctx.pressure.openDescriptors({ kind: "socket" });
      const deadlineMs = 1000;
      const atLimit = await fetchAll(peer.url, { signal: AbortSignal.timeout(deadlineMs) });
      const released = performance.now();
      await socks.release();
      const r = await recover(released, async () => {
        const f = await fetchAll(peer.url, { signal: AbortSignal.timeout(2000) });
        if (!f.ok) throw Object.assign(new Error(f.message ?? ""), { code: f.code ?? f.name });
        return f;
      });
      const stopped = ["EMFILE", "ECONNREFUSED", "ECONNRESET"].includes(socks.error ?? "");
      const ok =
        warm.ok &&
        stopped &&
        !atLimit.ok &&
        atLimit.ms <= deadlineMs + SLACK_MS &&
        r.recoveryMs !== null;
      return verdict(
        ok,
        `${socks.opened} sockets, then ${socks.error}; a fetch at the limit -> ${atLimit.code ?? atLimit.name} in ${atLimit.ms} ms; after closing them, a fetch worked in ${r.recoveryMs ?? `never (${r.lastError})`} ms`,
        {
          opened: socks.opened,
          error: socks.error,
          limit: socks.limit,
          atLimit,
          recoveryMs: r.recoveryMs,
          tries: r.tries,
          lastError: r.lastError,
        },
      );
    },
  }),
  defineProbe({
    id: "net.proxy-in-front-of-local-server",
    category: "net",
    title:
      "a faulty peer in front of a local Bun.serve adds its latency and passes the answer through",
    async run(ctx) {
      using server = Bun.serve({
        hostname: "127.0.0.1",
        port: 0,
        fetch: (req) => new Response(`hello ${new URL(req.url).pathname}`),
      });
      await using peer = await ctx.pressure.faultyPeer({
        mode: "latency",
        latencyMs: 200,
        upstream: server.port,
      });
      const t = performance.now();
      let text: string | null = null;
      let error: string | null = null;
      try {
        text = await (await fetch(`${peer.url}x`, { signal: AbortSignal.timeout(5000) })).text();
      } catch (e) {
        error = `${(e as Error).name}: ${(e as Error).message}`;
      }
      const ms = Math.round(performance.now() - t);
      return verdict(
        text === "hello /x" && ms >= 199,
        `through the peer: ${text === null ? error : JSON.stringify(text)} in ${ms} ms (latency 200)`,
        { text, error, ms, peer: peer.stats() },
      );
    },
  }),
];
