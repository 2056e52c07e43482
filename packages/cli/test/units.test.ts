import { describe, expect, test } from "bun:test";
import { formatSize, parseCount, parseCpus, parseDuration, parseSize } from "../src/args/units.ts";

const MiB = 2 ** 20;

describe("sizes", () => {
  test.each([
    ["128m", 128 * MiB],
    ["128M", 128 * MiB],
    ["128MiB", 128 * MiB],
    ["1g", 1024 * MiB],
    ["1.5g", 1536 * MiB],
    ["1048576", 1048576],
    ["64k", 65536],
  ])("%s", (v, want) => expect(parseSize("--memory", v)).toBe(want));

  test.each(["0", "-1", "12xb", "1e99", "", "m", "99999g", "1.2.3m"])(
    "rejects %p naming flag and value",
    (v) => {
      expect(() => parseSize("--memory", v)).toThrow(`--memory ${JSON.stringify(v)}`);
    },
  );

  test("formatSize gives back what parseSize takes", () => {
    for (const n of [128 * MiB, 1536 * MiB, 1048576, 65536, 1000])
      expect(parseSize("--x", formatSize(n))).toBe(n);
  });
});

describe("counts, cpus and durations", () => {
  test("counts", () => {
    expect(parseCount("--nofile", "256")).toBe(256);
    for (const bad of ["0", "-3", "2.5", "lots", ""])
      expect(() => parseCount("--nofile", bad)).toThrow("--nofile");
  });
  test("cpus", () => {
    expect(parseCpus("--cpus", "0.5")).toBe(0.5);
    expect(() => parseCpus("--cpus", "0")).toThrow("--cpus");
  });
  test("durations", () => {
    expect(parseDuration("--timeout", "30s")).toBe(30_000);
    expect(parseDuration("--timeout", "2m")).toBe(120_000);
    expect(parseDuration("--timeout", "500ms")).toBe(500);
    for (const bad of ["0s", "soon", "-1s", "48h"])
      expect(() => parseDuration("--timeout", bad)).toThrow("--timeout");
  });
});
