import { describe, expect, test } from "bun:test";
import { readFences, readMemoryUsage, readProcLimits, summarizeFences } from "../src/index.ts";
import { type Fixture, fixtureEnv, fixtureRoot } from "./fixtures.ts";

const MiB = 2 ** 20;
const ALL = ["memory", "disk", "stack", "nofile", "pids", "cpus"];
/** A container brink would start: 128 MiB, stack 1 MiB and nofile 256 (soft = hard), 100 pids, 1 cpu. */
const brinkLike = (cgroup: 1 | 2, swap: number | null, raisable: string[] = []) => ({
  cgroup,
  memory: 128 * MiB,
  swap,
  pids: 100,
  cpus: 1,
  nofile: { soft: 256, hard: 256 },
  stack: { soft: 1048576, hard: 1048576 },
  raisable,
});
const expected: Record<Fixture, Record<string, unknown>> = {
  "docker-v1": {
    cgroup: 1,
    memory: 96 * MiB,
    swap: 0,
    pids: 50,
    cpus: 1,
    nofile: { soft: 64, hard: 64 },
    stack: { soft: 2097152, hard: 2097152 },
    raisable: [],
  },
  "docker-v2": {
    cgroup: 2,
    memory: 128 * MiB,
    swap: 0,
    pids: 100,
    cpus: 1,
    nofile: { soft: 256, hard: 256 },
    stack: { soft: 1048576, hard: 1048576 },
    raisable: [],
  },
  // v1 without memory.memsw.* and no /proc/meminfo: swap unknown.
  "k8s-pod": {
    cgroup: 1,
    memory: 256 * MiB,
    swap: null,
    pids: null,
    cpus: 0.5,
    nofile: { soft: 1048576, hard: 1048576 },
    stack: { soft: 8388608, hard: null },
    raisable: [],
  },
  podman: {
    cgroup: 2,
    memory: null,
    swap: null,
    pids: 2048,
    cpus: null,
    nofile: { soft: 524288, hard: 524288 },
    stack: { soft: 8388608, hard: null },
    raisable: [],
  },
  // A host's cgroup mount is read-write and its files are writable by whoever runs the tests.
  host: {
    cgroup: 2,
    memory: null,
    swap: null,
    pids: 4915,
    cpus: null,
    nofile: { soft: 1024, hard: 524288 },
    stack: { soft: 8388608, hard: null },
    raisable: ["memory", "pids"],
  },
  "docker-foreign": brinkLike(1, 0),
  "docker-privileged": brinkLike(1, 0, ALL),
  "docker-sys-resource": brinkLike(1, 0, ["stack", "nofile"]),
  "v1-nomemsw-noswap": brinkLike(1, 0),
  "v1-nomemsw-swap": brinkLike(1, null),
  "v2-swap-max": brinkLike(2, null),
  "v2-swap-missing": brinkLike(2, null),
};
const usage: Record<Fixture, { current: number | null; oomKills: number | null }> = {
  "docker-v1": { current: 40103936, oomKills: 0 },
  "docker-v2": { current: 40 * MiB, oomKills: 2 },
  "k8s-pod": { current: 50 * MiB, oomKills: 0 },
  podman: { current: 8 * MiB, oomKills: 0 },
  host: { current: 70 * MiB, oomKills: null },
  "docker-foreign": { current: null, oomKills: null },
  "docker-privileged": { current: null, oomKills: null },
  "docker-sys-resource": { current: null, oomKills: null },
  "v1-nomemsw-noswap": { current: null, oomKills: null },
  "v1-nomemsw-swap": { current: null, oomKills: null },
  "v2-swap-max": { current: null, oomKills: null },
  "v2-swap-missing": { current: null, oomKills: null },
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

  test("summarizeFences counts only limits the process cannot raise", () => {
    const sum = (name: Fixture) =>
      summarizeFences(readFences({ root: fixtureRoot(name), env: fixtureEnv(name) }));
    // An unlimited hard limit is no fence, whatever the soft one says (k8s-pod: stack 8 MiB soft).
    expect(sum("k8s-pod")).toMatchObject({ stack: null, nofile: 1048576 });
    expect(sum("host")).toMatchObject({ stack: null, nofile: 524288 });
    // The hard limit is the fence, not a lower soft one.
    const f = readFences({ root: fixtureRoot("docker-v1"), env: {} });
    f.nofile = { soft: 64, hard: 4096 };
    expect(summarizeFences(f).nofile).toBe(4096);
    // Memory is memory plus the swap allowed on top; unknown or unlimited swap leaves none.
    f.swap = 32 * MiB;
    expect(summarizeFences(f).memory).toBe(128 * MiB);
    expect(sum("k8s-pod").memory).toBeNull();
    expect(sum("v2-swap-max").memory).toBeNull();
    expect(sum("v1-nomemsw-noswap").memory).toBe(128 * MiB);
    // What the process could lift by itself counts as none.
    expect(sum("docker-sys-resource")).toMatchObject({ stack: null, nofile: null, pids: 100 });
    expect(Object.values(sum("docker-privileged"))).toEqual(ALL.map(() => null));
    expect(sum("host").pids).toBeNull();
  });

  test("BRINK_SCRATCH names the disk fence's directory", () => {
    const f = readFences({ root: fixtureRoot("docker-v1"), env: { BRINK_SCRATCH: "/nowhere" } });
    expect(f.disk).toBeNull();
  });

  test("readProcLimits reads unlimited as null", () => {
    expect(readProcLimits(fixtureRoot("host")).stack).toEqual({ soft: 8388608, hard: null });
  });
});
