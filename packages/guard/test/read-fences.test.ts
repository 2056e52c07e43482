import { describe, expect, test } from "bun:test";
import { readFences, readMemoryUsage, readProcLimits, summarizeFences } from "../src/index.ts";
import { type Fixture, fixtureEnv, fixtureRoot } from "./fixtures.ts";

const MiB = 2 ** 20;
const expected: Record<Fixture, Record<string, unknown>> = {
  "docker-v1": {
    cgroup: 1,
    memory: 96 * MiB,
    swap: 0,
    pids: 50,
    cpus: 1,
    nofile: { soft: 64, hard: 64 },
    stack: { soft: 2097152, hard: 2097152 },
  },
  "docker-v2": {
    cgroup: 2,
    memory: 128 * MiB,
    swap: 0,
    pids: 100,
    cpus: 1,
    nofile: { soft: 256, hard: 256 },
    stack: { soft: 1048576, hard: 1048576 },
  },
  "k8s-pod": {
    cgroup: 1,
    memory: 256 * MiB,
    swap: null,
    pids: null,
    cpus: 0.5,
    nofile: { soft: 1048576, hard: 1048576 },
    stack: { soft: 8388608, hard: null },
  },
  podman: {
    cgroup: 2,
    memory: null,
    swap: null,
    pids: 2048,
    cpus: null,
    nofile: { soft: 524288, hard: 524288 },
    stack: { soft: 8388608, hard: null },
  },
  host: {
    cgroup: 2,
    memory: null,
    swap: null,
    pids: 4915,
    cpus: null,
    nofile: { soft: 1024, hard: 524288 },
    stack: { soft: 8388608, hard: null },
  },
};
const usage: Record<Fixture, { current: number | null; oomKills: number | null }> = {
  "docker-v1": { current: 40103936, oomKills: 0 },
  "docker-v2": { current: 40 * MiB, oomKills: 2 },
  "k8s-pod": { current: 50 * MiB, oomKills: 0 },
  podman: { current: 8 * MiB, oomKills: 0 },
  host: { current: 70 * MiB, oomKills: null },
};

describe("readFences on fixture trees", () => {
  for (const name of Object.keys(expected) as Fixture[]) {
    test(name, () => {
      const f = readFences({ root: fixtureRoot(name), env: fixtureEnv(name) });
      const { disk, ...rest } = f;
      expect(rest).toEqual(expected[name] as never);
      // The disk fence is statfs of <root>/scratch; trees without one report none.
      if (name.startsWith("docker")) {
        expect(disk?.path).toBe("/scratch");
        expect(disk!.total).toBeGreaterThan(0);
        expect(disk!.free).toBeLessThanOrEqual(disk!.total);
      } else expect(disk).toBeNull();
    });

    test(`${name}: memory usage and OOM kills`, () => {
      expect(readMemoryUsage({ root: fixtureRoot(name) })).toEqual(usage[name]);
    });
  }

  test("summarizeFences flattens to the report's numbers", () => {
    const f = readFences({ root: fixtureRoot("docker-v1"), env: {} });
    const s = summarizeFences(f);
    expect(s).toMatchObject({ memory: 96 * MiB, stack: 2097152, nofile: 64, pids: 50, cpus: 1 });
    expect(s.disk).toBe(f.disk!.total);
  });

  test("BRINK_SCRATCH names the disk fence's directory", () => {
    const f = readFences({ root: fixtureRoot("docker-v1"), env: { BRINK_SCRATCH: "/nowhere" } });
    expect(f.disk).toBeNull();
  });

  test("readProcLimits reads unlimited as null", () => {
    expect(readProcLimits(fixtureRoot("host")).stack).toEqual({ soft: 8388608, hard: null });
  });
});
