import { expect, test } from "bun:test";
import { hostname } from "node:os";
import { DEFAULT_LIMITS } from "../src/args/limits.ts";
import { createOptions } from "../src/engine/container-spec.ts";
import { signalOfExit } from "../src/engine/run-container.ts";
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
  expect(h.ShmSize).toBe(2 ** 20);
  expect(o.Labels).toEqual({
    "dev.brink": "1",
    "dev.brink.run": "r1",
    "dev.brink.pid": String(process.pid),
    "dev.brink.host": hostname(),
    "dev.brink.started": expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });
  expect(o.Env).toContain("BRINK_DESTRUCTIVE=1");
  expect(o.Env).toContain("BRINK_FENCE_NOFILE=256");
  expect(o.Env).toContain("TMPDIR=/scratch");
});

test("each container gets its own token: BRINK_TOKEN=T and hostname brink-T, which env cannot override", () => {
  const spec = {
    image: "img",
    runId: "r1",
    cmd: [],
    limits: DEFAULT_LIMITS,
    env: { BRINK_TOKEN: "0123456789abcdef", BRINK_FENCE_MEMORY: "1", FOO: "bar" },
    labels: { "dev.brink.run": "other", "dev.brink.pid": "1" },
  };
  const a = createOptions(spec);
  const b = createOptions(spec);
  const token = (o: typeof a) =>
    (o.Env ?? []).find((e) => e.startsWith("BRINK_TOKEN="))?.slice("BRINK_TOKEN=".length) ?? "";
  expect(token(a)).toMatch(/^[0-9a-f]{32}$/);
  expect(token(a)).not.toBe(token(b));
  expect(a.Hostname).toBe(`brink-${token(a)}`);
  expect(a.Env).toContain("FOO=bar");
  expect(a.Env).toContain(`BRINK_FENCE_MEMORY=${DEFAULT_LIMITS.memory}`);
  expect(a.Labels?.["dev.brink.run"]).toBe("r1");
  expect(a.Labels?.["dev.brink.pid"]).toBe(String(process.pid));
  expect(createOptions({ ...spec, token: "feedfacefeedface" }).Hostname).toBe(
    "brink-feedfacefeedface",
  );
});

test("an exit code names a signal only for 128 + a standard signal: 255 is exit(255)", () => {
  expect(signalOfExit(137)).toBe("SIGKILL");
  expect(signalOfExit(134)).toBe("SIGABRT");
  expect(signalOfExit(143)).toBe("SIGTERM");
  expect(signalOfExit(159)).toBe("SIGSYS");
  expect(signalOfExit(160)).toBeNull();
  expect(signalOfExit(255)).toBeNull();
  expect(signalOfExit(128)).toBeNull();
  expect(signalOfExit(1)).toBeNull();
  expect(signalOfExit(null)).toBeNull();
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
