import { describe, expect, test } from "bun:test";
import { faultSettings, PEER_MODES, ProbeError, Shaper, type Step, seeded } from "../src/index.ts";
import { seeded as seededDirect } from "../src/pressure/fault-shape.ts";

const bytes = (n: number) => new Uint8Array(n).map((_, i) => i & 0xff);
const shape = (o: Parameters<typeof faultSettings>[0]) => new Shaper(faultSettings(o));
/** Steps as [kind, delay (ms, rounded), bytes]: what the peer does, in order. */
const plain = (steps: Step[]) =>
  steps.map((s) => [s.kind, Math.round(s.delayMs), s.kind === "write" ? s.bytes.length : 0]);
const sent = (steps: Step[]) =>
  steps.reduce((n, s) => n + (s.kind === "write" ? s.bytes.length : 0), 0);

describe("what a faulty peer does with the bytes it sends (Shaper)", () => {
  test("latency: each chunk waits latencyMs ± jitterMs, the same delays for the same seed", () => {
    const a = shape({ mode: "latency", latencyMs: 100, jitterMs: 20, seed: 7 });
    const delays = Array.from({ length: 50 }, () => a.data(bytes(10))[0]?.delayMs ?? -1);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...delays)).toBeLessThanOrEqual(120);
    expect(new Set(delays.map(Math.round)).size).toBeGreaterThan(5);
    const b = shape({ mode: "latency", latencyMs: 100, jitterMs: 20, seed: 7 });
    expect(Array.from({ length: 50 }, () => b.data(bytes(10))[0]?.delayMs)).toEqual(delays);
    expect(plain(a.end())).toEqual([["end", 0, 0]]);
    expect(plain(shape({ mode: "latency", latencyMs: 0 }).data(bytes(3)))).toEqual([
      ["write", 0, 3],
    ]);
  });

  test("bandwidth: tenth-of-a-second pieces, each waiting its own transmission time", () => {
    const s = shape({ mode: "bandwidth", bytesPerSecond: 1000 });
    const steps = s.data(bytes(250));
    expect(plain(steps)).toEqual([
      ["write", 100, 100],
      ["write", 100, 100],
      ["write", 50, 50],
    ]);
    const total = steps.reduce((t, x) => t + x.delayMs, 0);
    expect(total).toBe(250); // 250 bytes at 1000 B/s
  });

  test("slicer: sliceBytes packets, sliceDelayMs apart, every byte in order", () => {
    const s = shape({ mode: "slicer", sliceBytes: 7, sliceDelayMs: 2 });
    const steps = s.data(bytes(20));
    expect(plain(steps)).toEqual([
      ["write", 2, 7],
      ["write", 2, 7],
      ["write", 2, 6],
    ]);
    const joined = steps.flatMap((x) => (x.kind === "write" ? [...x.bytes] : []));
    expect(joined).toEqual([...bytes(20)]);
  });

  test("truncate closes (FIN) after limitBytes; reset resets (RST) there; later data is dropped", () => {
    const t = shape({ mode: "truncate", limitBytes: 10 });
    expect(plain(t.data(bytes(6)))).toEqual([["write", 0, 6]]);
    expect(plain(t.data(bytes(6)))).toEqual([
      ["write", 0, 4],
      ["end", 0, 0],
    ]);
    expect(t.data(bytes(6))).toEqual([]);
    expect(t.end()).toEqual([]);
    expect(t.sent).toBe(10);
    const r = shape({ mode: "reset", limitBytes: 10 });
    expect(plain(r.data(bytes(64)))).toEqual([
      ["write", 0, 10],
      ["reset", 0, 0],
    ]);
    expect(r.end()).toEqual([]);
  });

  test("a response shorter than the limit: truncate ends normally, reset still resets", () => {
    const t = shape({ mode: "truncate", limitBytes: 100 });
    expect(sent(t.data(bytes(20)))).toBe(20);
    expect(plain(t.end())).toEqual([["end", 0, 0]]);
    const r = shape({ mode: "reset", limitBytes: 100 });
    expect(sent(r.data(bytes(20)))).toBe(20);
    expect(plain(r.end())).toEqual([["reset", 0, 0]]);
  });

  test("slow-close sends at once and closes closeDelayMs later", () => {
    const s = shape({ mode: "slow-close", closeDelayMs: 3000 });
    expect(plain(s.data(bytes(5)))).toEqual([["write", 0, 5]]);
    expect(plain(s.end())).toEqual([["end", 3000, 0]]);
  });

  test("blackhole and half-open never send and never close; refuse has nothing to send", () => {
    for (const mode of ["blackhole", "half-open", "refuse"] as const) {
      const s = shape({ mode });
      expect(s.data(bytes(100))).toEqual([]);
      if (mode !== "refuse") expect(s.end()).toEqual([]);
    }
  });

  test("every mode has defaults; bad modes and numbers are BAD_OPTION naming them", () => {
    for (const mode of PEER_MODES) expect(faultSettings({ mode }).mode).toBe(mode);
    const bad = (o: object) => {
      try {
        faultSettings(o as Parameters<typeof faultSettings>[0]);
      } catch (e) {
        return e instanceof ProbeError ? `${e.code}: ${e.message}` : "other";
      }
      return "accepted";
    };
    expect(bad({ mode: "flaky" })).toContain('BAD_OPTION: faultyPeer: mode "flaky"');
    expect(bad({ mode: "bandwidth", bytesPerSecond: 0 })).toContain("bytesPerSecond");
    expect(bad({ mode: "latency", latencyMs: -1 })).toContain("latencyMs");
    expect(bad({ mode: "slicer", sliceBytes: Number.NaN })).toContain("sliceBytes");
    expect(bad({ mode: "latency", latencyMs: undefined })).toBe("accepted");
  });

  test("the seeded generator repeats and stays in [0, 1)", () => {
    const a = seeded(42);
    const xs = Array.from({ length: 1000 }, a);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const b = seededDirect(42);
    expect(Array.from({ length: 1000 }, b)).toEqual(xs);
  });
});
