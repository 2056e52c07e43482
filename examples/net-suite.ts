// A user suite for the net category: examples/http-client.ts against faulty peers, run with
//   brink run --category net --suite examples/net-suite.ts
import { defineProbe, verdict } from "@brink/probes";
import { ClientError, getJson } from "./http-client.ts";

const config = JSON.stringify({ service: "kv", replicas: 3, note: "x".repeat(2000) });

/** How a getJson call ended: its value or its ClientError code, attempts, and how long. */
async function call(url: string, timeoutMs: number) {
  const started = performance.now();
  try {
    const value = await getJson(url, { timeoutMs, retries: 1 });
    return { value, code: null, attempts: null, ms: Math.round(performance.now() - started) };
  } catch (e) {
    const err = e as ClientError;
    return {
      value: null,
      code: err instanceof ClientError ? err.code : String(e),
      attempts: err.attempts ?? null,
      ms: Math.round(performance.now() - started),
    };
  }
}

export const timesOutOnBlackhole = defineProbe({
  id: "net.http-client-times-out-on-blackhole",
  category: "net",
  title:
    "http-client: a server that accepts and never answers ends in TIMEOUT on time, sockets closed",
  async run(ctx) {
    await using peer = await ctx.pressure.faultyPeer({ mode: "blackhole" });
    const r = await call(peer.url, 300);
    const closed = await peer.idle(2000);
    const st = peer.stats();
    // Two attempts of 300 ms each; a second of slack for a busy machine.
    return verdict(
      r.code === "TIMEOUT" && r.attempts === 2 && r.ms >= 599 && r.ms < 1600 && closed,
      `getJson -> ${r.code} after ${r.attempts} attempts in ${r.ms} ms; ${st.connections} connections, ${closed ? "all closed" : "left open"}`,
      { ...r, closed, peer: st },
    );
  },
});

export const rejectsTruncatedBody = defineProbe({
  id: "net.http-client-rejects-truncated-body",
  category: "net",
  title: "http-client: a body cut short is an error, never half a config",
  async run(ctx) {
    await using peer = await ctx.pressure.faultyPeer({
      mode: "truncate",
      limitBytes: 200,
      body: config,
    });
    const r = await call(peer.url, 2000);
    return verdict(
      r.value === null && (r.code === "CONNECTION" || r.code === "BAD_BODY"),
      `getJson of a body cut after 200 bytes -> ${r.code ?? "a value"}`,
      { ...r, peer: peer.stats() },
    );
  },
});

export const worksThroughLatency = defineProbe({
  id: "net.http-client-works-through-latency",
  category: "net",
  title: "http-client: through 200 ms of latency with a 2 s deadline, the config arrives whole",
  async run(ctx) {
    await using peer = await ctx.pressure.faultyPeer({
      mode: "latency",
      latencyMs: 200,
      body: config,
    });
    const r = await call(peer.url, 2000);
    const whole = JSON.stringify(r.value) === config;
    return verdict(
      whole && r.ms >= 199,
      `getJson -> ${whole ? "the whole config" : r.code} in ${r.ms} ms`,
      {
        ...r,
        value: undefined,
        whole,
        peer: peer.stats(),
      },
    );
  },
});
