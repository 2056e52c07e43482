import { describe, expect, test } from "bun:test";
import { readCpuThrottling, throttlingSince } from "../src/index.ts";
import { fixtureRoot } from "./fixtures.ts";

describe("cpu throttling evidence from cpu.stat", () => {
  test("cgroup v1: nr_periods, nr_throttled, throttled_time in ns as ms; the period from cpu.cfs_period_us", () => {
    expect(readCpuThrottling({ root: fixtureRoot("docker-v1") })).toEqual({
      periodMs: 100,
      periods: 412,
      throttled: 97,
      throttledMs: 5873.021456,
    });
  });

  test("cgroup v2: throttled_usec as ms; the period from cpu.max", () => {
    expect(readCpuThrottling({ root: fixtureRoot("docker-v2") })).toEqual({
      periodMs: 100,
      periods: 230,
      throttled: 61,
      throttledMs: 3120.455,
    });
  });

  test("no cpu.stat: the counters are unknown, the period is still read (v1 and v2 'max')", () => {
    const none = { periods: null, throttled: null, throttledMs: null };
    expect(readCpuThrottling({ root: fixtureRoot("k8s-pod") })).toEqual({ periodMs: 100, ...none });
    expect(readCpuThrottling({ root: fixtureRoot("podman") })).toEqual({ periodMs: 100, ...none });
    expect(readCpuThrottling({ root: fixtureRoot("host") })).toEqual({ periodMs: null, ...none });
  });

  test("throttlingSince subtracts each counter; unknown on either side stays unknown", () => {
    const before = { periodMs: 100, periods: 10, throttled: 2, throttledMs: 150 };
    const after = { periodMs: 100, periods: 25, throttled: 14, throttledMs: 1050.5 };
    expect(throttlingSince(before, after)).toEqual({
      periodMs: 100,
      periods: 15,
      throttled: 12,
      throttledMs: 900.5,
    });
    expect(throttlingSince({ ...before, throttled: null }, after).throttled).toBeNull();
  });
});
