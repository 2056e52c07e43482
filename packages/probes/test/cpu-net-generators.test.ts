import { expect } from "bun:test";
import { brink, engineTest, testRunId } from "../../cli/test/engine.ts";

engineTest("burnCpu and faultyPeer, every mode, inside a real fence (cpus 0.5)", async () => {
  const r = await brink(
    ["exec", "--cpus", "0.5", "--", "bun", "packages/probes/test/fenced/cpu-net.ts"],
    { run: testRunId("cpu-net-generators") },
  );
  expect(r.stderr).not.toMatch(/error|at \//i);
  expect(r.code).toBe(0);
  const o = JSON.parse(r.stdout.trim().split("\n").at(-1) as string);

  // burnCpu for 1 s: it stops by itself, no more than the fence (0.5 core, 25% margin), and
  // throttled once it got the quota (a busy machine may give less: then only the bound holds).
  expect(o.burnFor.quota).toBe(0.5);
  expect(o.burnFor.workers).toBe(2);
  expect(o.burnFor.wallMs).toBeGreaterThanOrEqual(1000);
  expect(o.burnFor.wallMs).toBeLessThan(4000);
  expect(o.burnFor.units).toBeGreaterThan(0);
  expect(o.burnFor.effectiveCpus).toBeLessThanOrEqual(0.5 * 1.25);
  if (o.burnFor.effectiveCpus >= 0.45) expect(o.burnFor.throttling.throttled).toBeGreaterThan(0);
  expect(o.burnFor.throttling.periods).toBeGreaterThanOrEqual(5);
  expect(o.burnFor.grewAfter).toBe(0);
  // Until released: work stops at release, a second release is harmless.
  expect(o.burnUntilReleased.during.units).toBeGreaterThan(0);
  expect(o.burnUntilReleased.during.effectiveCpus).toBeLessThanOrEqual(0.5 * 1.25);
  expect(o.burnUntilReleased.grewAfter).toBe(0);
  expect(o.burnUntilReleased.released).toBe(true);
  expect(o.burnBadOptions).toEqual(["BAD_OPTION", "BAD_OPTION", "BAD_OPTION"]);

  // faultyPeer over raw TCP.
  expect(o.refuse).toMatchObject({ end: "ECONNREFUSED", bytes: 0, connections: 0 });
  expect(o.refuse.endMs).toBeLessThan(1000);
  expect(o.latency.same).toBe(true);
  expect(o.latency.firstByteMs).toBeGreaterThanOrEqual(299);
  expect(o.latency.stats).toMatchObject({ connections: 1, bytesIn: 1000, bytesOut: 1000 });
  // 1000 bytes at 2000 B/s: half a second at least.
  expect(o.bandwidth.same).toBe(true);
  expect(o.bandwidth.lastByteMs).toBeGreaterThanOrEqual(450);
  expect(o.slicer.same).toBe(true);
  expect(o.slicer.chunks).toBeGreaterThan(10);
  expect(o.truncate).toEqual({ bytes: 100, end: "end", resets: 0 });
  expect(o.reset).toEqual({ bytes: 100, end: "ECONNRESET", resets: 1 });
  expect(o.slowClose.bytes).toBeGreaterThan(64 * 1024);
  expect(o.slowClose.end).toBe("end");
  expect(o.slowClose.endMs).toBeGreaterThanOrEqual(799);
  expect(o.slowClose.firstByteMs).toBeLessThan(o.slowClose.endMs - 500);
  // The blackhole reads and never answers; the client's close is seen and nothing is held.
  expect(o.blackhole).toMatchObject({ bytes: 0, end: "still open", idle: true });
  expect(o.blackhole.stats).toMatchObject({
    bytesIn: 1000,
    bytesOut: 0,
    open: 0,
    closedByClient: 1,
  });
  expect(o.blackhole.stats.waitedMs).toBeGreaterThanOrEqual(399);
  // Half-open: the client sees the end at once, and what it still writes is read.
  expect(o.halfOpen).toMatchObject({ bytes: 0, end: "end", bytesIn: 1000 });
  expect(o.halfOpen.endMs).toBeLessThan(1000);

  // HTTP: its own answer, and a proxy in front of a local server (method, path, body through).
  expect(o.http).toMatchObject({ status: 200, length: "10", text: "hello body" });
  expect(o.http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  expect(o.proxy.text).toBe("up POST /path payload");
  expect(o.proxy.stats.connections).toBe(1);
  expect(o.proxyBadUpstream).toBe("BAD_OPTION");
  // Release ends open connections and stops listening.
  expect(o.release.held).toBe("end");
  expect(o.release.heldMs).toBeLessThan(1000);
  expect(o.release.after).toBe("ECONNREFUSED");
  expect(o.badMode).toBe("BAD_OPTION");
});
