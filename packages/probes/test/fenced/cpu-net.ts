// Runs inside a brink fence (see cpu-net-generators.test.ts): exercises burnCpu and every
// faultyPeer mode with raw TCP and HTTP clients, and prints one JSON line of what each did.
import { connect } from "node:net";
import { burnCpu, faultyPeer, ProbeError } from "@brink/probes";

const out: Record<string, unknown> = {};
const codeOf = async (fn: () => Promise<unknown>) => {
  try {
    await fn();
    return "accepted";
  } catch (e) {
    return e instanceof ProbeError ? e.code : String(e);
  }
};

// --- burnCpu
{
  await using burn = await burnCpu({ workers: 2, ms: 1000 });
  const s = await burn.finished;
  const unitsAtEnd = burn.units;
  await Bun.sleep(200);
  out.burnFor = {
    ...s,
    workers: burn.workers,
    quota: burn.quota,
    grewAfter: burn.units - unitsAtEnd,
  };
}
{
  const burn = await burnCpu({ workers: 3 });
  await Bun.sleep(600);
  const during = burn.sample();
  await burn.release();
  const atRelease = burn.units;
  await Bun.sleep(300);
  await burn.release();
  out.burnUntilReleased = { during, grewAfter: burn.units - atRelease, released: burn.released };
}
out.burnBadOptions = [
  await codeOf(() => burnCpu({ workers: 0 })),
  await codeOf(() => burnCpu({ workers: 65 })),
  await codeOf(() => burnCpu({ ms: -5 })),
];

// --- faultyPeer, raw TCP
/** Connects, writes `send`, and records what came back and how the connection ended. */
function raw(port: number, send: string, closeAfterMs = 3000) {
  const t = performance.now();
  const at = () => Math.round(performance.now() - t);
  return new Promise<{
    bytes: number;
    text: string;
    chunks: number;
    firstByteMs: number | null;
    lastByteMs: number | null;
    end: string;
    endMs: number;
  }>((resolve) => {
    const s = connect(port, "127.0.0.1");
    let text = "";
    let chunks = 0;
    let firstByteMs: number | null = null;
    let lastByteMs: number | null = null;
    let end = "";
    const finish = (how: string) => {
      if (end) return;
      end = how;
      clearTimeout(timer);
      s.destroy();
      resolve({
        bytes: Buffer.byteLength(text, "latin1"),
        text,
        chunks,
        firstByteMs,
        lastByteMs,
        end,
        endMs: at(),
      });
    };
    const timer = setTimeout(() => finish("still open"), closeAfterMs);
    s.on("connect", () => s.write(send));
    s.on("data", (d) => {
      firstByteMs ??= at();
      lastByteMs = at();
      chunks++;
      text += d.toString("latin1");
    });
    s.on("end", () => finish("end"));
    s.on("error", (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  });
}

const msg = "0123456789".repeat(100);
{
  await using p = await faultyPeer({ mode: "refuse" });
  out.refuse = { ...(await raw(p.port, "x")), connections: p.connections };
}
{
  await using p = await faultyPeer({ mode: "latency", protocol: "tcp", latencyMs: 300 });
  const r = await raw(p.port, msg, 1000);
  out.latency = { firstByteMs: r.firstByteMs, same: r.text === msg, stats: p.stats() };
}
{
  await using p = await faultyPeer({ mode: "bandwidth", protocol: "tcp", bytesPerSecond: 2000 });
  const r = await raw(p.port, msg, 2000);
  out.bandwidth = { lastByteMs: r.lastByteMs, bytes: r.bytes, same: r.text === msg, end: r.end };
}
{
  await using p = await faultyPeer({
    mode: "slicer",
    protocol: "tcp",
    sliceBytes: 10,
    sliceDelayMs: 5,
  });
  const r = await raw(p.port, msg, 1500);
  out.slicer = { same: r.text === msg, chunks: r.chunks };
}
{
  await using p = await faultyPeer({ mode: "truncate", protocol: "tcp", limitBytes: 100 });
  const r = await raw(p.port, msg);
  out.truncate = { bytes: r.bytes, end: r.end, resets: p.stats().resets };
}
{
  await using p = await faultyPeer({ mode: "reset", protocol: "tcp", limitBytes: 100 });
  const r = await raw(p.port, msg);
  out.reset = { bytes: r.bytes, end: r.end, resets: p.stats().resets };
}
{
  await using p = await faultyPeer({ mode: "slow-close", closeDelayMs: 800 });
  const r = await raw(p.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  out.slowClose = { firstByteMs: r.firstByteMs, end: r.end, endMs: r.endMs, bytes: r.bytes };
}
{
  await using p = await faultyPeer({ mode: "blackhole" });
  const r = await raw(p.port, msg, 400);
  const idle = await p.idle(2000);
  out.blackhole = { bytes: r.bytes, end: r.end, idle, stats: p.stats() };
}
{
  await using p = await faultyPeer({ mode: "half-open", protocol: "tcp" });
  const r = await raw(p.port, msg);
  await Bun.sleep(100);
  out.halfOpen = { bytes: r.bytes, end: r.end, endMs: r.endMs, bytesIn: p.stats().bytesIn };
}

// --- HTTP: its own answer, and a proxy in front of a local server
{
  await using p = await faultyPeer({ mode: "latency", latencyMs: 0, body: "hello body" });
  const r = await fetch(p.url);
  out.http = {
    url: p.url,
    status: r.status,
    length: r.headers.get("content-length"),
    text: await r.text(),
  };
}
{
  using server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) =>
      new Response(`up ${req.method} ${new URL(req.url).pathname} ${await req.text()}`),
  });
  await using p = await faultyPeer({
    mode: "truncate",
    limitBytes: 1 << 20,
    upstream: server.port,
  });
  const r = await fetch(`${p.url}path`, { method: "POST", body: "payload" });
  out.proxy = { text: await r.text(), stats: p.stats() };
  out.proxyBadUpstream = await codeOf(() =>
    faultyPeer({ mode: "latency", upstream: { host: "10.0.0.1", port: 80 } }),
  );
}
{
  const p = await faultyPeer({ mode: "blackhole" });
  const pending = raw(p.port, "x", 3000);
  await Bun.sleep(100);
  await p.release();
  const held = await pending;
  const after = await raw(p.port, "x", 1000);
  out.release = { held: held.end, heldMs: held.endMs, after: after.end };
}
out.badMode = await codeOf(() => faultyPeer({ mode: "flaky" as never }));
console.log(JSON.stringify(out));
