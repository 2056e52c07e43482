import { expect, test } from "bun:test";
import { DEFAULT_LIMITS } from "../src/args/limits.ts";
import { createOptions } from "../src/engine/container-spec.ts";
import { batchesOf, limitsFor } from "../src/orchestrate/run-plan.ts";

test("every container gets the fences and hardening of DESIGN.md", () => {
  const o = createOptions({
    image: "img",
    runId: "r1",
    cmd: ["-e", "0"],
    limits: DEFAULT_LIMITS,
    project: "/p",
  });
  const h = o.HostConfig ?? {};
  expect(h.NetworkMode).toBe("none");
  expect(h.Init).toBe(true);
  expect(h.ReadonlyRootfs).toBe(true);
  expect(h.CapDrop).toEqual(["ALL"]);
  expect(h.SecurityOpt).toEqual(["no-new-privileges"]);
  expect(h.Memory).toBe(128 * 2 ** 20);
  expect(h.MemorySwap).toBe(h.Memory as number);
  expect(h.PidsLimit).toBe(100);
  expect(h.NanoCpus).toBe(1e9);
  expect(h.Ulimits).toEqual([
    { Name: "nofile", Soft: 256, Hard: 256 },
    { Name: "stack", Soft: 1048576, Hard: 1048576 },
    { Name: "nproc", Soft: 4096, Hard: 4096 },
  ]);
  expect(h.Tmpfs?.["/scratch"]).toContain(`size=${100 * 2 ** 20}`);
  expect(h.Binds).toEqual(["/p:/work:ro"]);
  expect(h.AutoRemove).toBeUndefined();
  expect(o.User).not.toMatch(/^(0|root)/);
  expect(o.Labels).toEqual({ "dev.brink": "1", "dev.brink.run": "r1" });
  expect(o.Env).toContain("BRINK_DESTRUCTIVE=1");
  expect(o.Env).toContain("BRINK_FENCE_NOFILE=256");
  expect(o.Env).toContain("TMPDIR=/scratch");
});

test("the disk container gets memory headroom above its tmpfs", () => {
  expect(limitsFor("disk", DEFAULT_LIMITS).memory).toBe(
    DEFAULT_LIMITS.memory + DEFAULT_LIMITS.disk,
  );
  expect(limitsFor("fd", DEFAULT_LIMITS).memory).toBe(DEFAULT_LIMITS.memory);
});

test("probes that expect a kill get a container of their own", () => {
  const p = (id: string, expected: "graceful" | "killed") => ({
    id,
    category: "oom" as const,
    title: id,
    expected,
    timeoutMs: 1,
  });
  const batches = batchesOf([p("a", "graceful"), p("k", "killed"), p("b", "graceful")]);
  expect(batches.map((b) => b.map((x) => x.id))).toEqual([["a", "b"], ["k"]]);
});
