import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { mountOptionsOf, raisableFences, readCapEff, readSwapTotal } from "../src/index.ts";
import { fixtureRoot } from "./fixtures.ts";

/** A tree with no /proc at all: capabilities and mounts unknown. */
const noStatus = join(fixtureRoot("docker-v1"), "sys");

describe("what a process could raise", () => {
  test("CapEff is read from /proc/self/status; unknown without it", () => {
    expect(readCapEff(fixtureRoot("docker-v1"))).toBe(0n);
    expect(readCapEff(fixtureRoot("docker-privileged"))).toBe(0x1ffffffffffn);
    expect(readCapEff(noStatus)).toBeNull();
  });

  test("unknown capabilities: every fence counts as raisable", () => {
    expect(raisableFences(noStatus)).toEqual(["memory", "disk", "stack", "nofile", "pids", "cpus"]);
  });

  test("the mount holding a path is the longest mount point above it", () => {
    const root = fixtureRoot("docker-v1");
    expect(mountOptionsOf(root, "/sys/fs/cgroup/memory")).toContain("ro");
    expect(mountOptionsOf(root, "/sys/fs/cgroup")).not.toContain("ro");
    expect(mountOptionsOf(root, "/scratch/deep/file")).toContain("size=20480k");
    expect(mountOptionsOf(noStatus, "/")).toBeNull();
  });

  test("SwapTotal is read from /proc/meminfo in bytes; unknown without it", () => {
    expect(readSwapTotal(fixtureRoot("v1-nomemsw-noswap"))).toBe(0);
    expect(readSwapTotal(fixtureRoot("v1-nomemsw-swap"))).toBe(2097148 * 1024);
    expect(readSwapTotal(fixtureRoot("k8s-pod"))).toBeNull();
  });
});
