import { describe, expect, test } from "bun:test";
import { hostname } from "node:os";
import { ensureFenced, GuardError, requirementsFromEnv } from "../src/index.ts";
import { type Fixture, fixtureEnv, fixtureRoot } from "./fixtures.ts";

const MiB = 2 ** 20;
const on = (name: Fixture, env: Record<string, string | undefined> = {}) => ({
  root: fixtureRoot(name),
  env: { ...fixtureEnv(name), BRINK_DESTRUCTIVE: "1", ...env },
});
const outside = (name: Fixture, env: Record<string, string | undefined> = {}) => ({
  ...on(name, env),
  outsideBrink: true,
});
function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof GuardError) return { code: e.code, message: e.message };
    throw e;
  }
  return { code: "none", message: "" };
}
const codeOf = (fn: () => unknown) => refusal(fn).code;

describe("ensureFenced", () => {
  test("refuses without BRINK_DESTRUCTIVE=1, even in a container", () => {
    expect(codeOf(() => ensureFenced({}, { root: fixtureRoot("docker-v1"), env: {} }))).toBe(
      "NOT_DESTRUCTIVE",
    );
  });

  test("refuses on a plain host and says how to run properly", () => {
    const r = refusal(() => ensureFenced({}, on("host")));
    expect(r.code).toBe("NOT_BRINK");
    expect(r.message).toContain("brink run");
    expect(r.message).toContain("outsideBrink: true");
    const o = refusal(() => ensureFenced({}, outside("host")));
    expect(o.code).toBe("NOT_CONTAINED");
    expect(o.message).toContain("brink run");
  });

  for (const name of ["docker-v1", "docker-v2"] as const) {
    test(`${name} (hostname brink-$BRINK_TOKEN): proceeds with no requirements`, () => {
      expect(ensureFenced({}, on(name)).container.contained).toBe(true);
    });
  }

  for (const name of ["k8s-pod", "podman"] as const) {
    test(`${name}: not brink's, so refused unless the code says outsideBrink`, () => {
      expect(codeOf(() => ensureFenced({}, on(name)))).toBe("NOT_BRINK");
      expect(ensureFenced({}, outside(name)).container.contained).toBe(true);
    });
  }

  test("accepts fences no larger than asked", () => {
    const ctx = ensureFenced(
      { memory: 128 * MiB, nofile: 256, stack: 1048576, pids: 100 },
      on("docker-v2"),
    );
    expect(ctx.fences.memory).toBe(128 * MiB);
  });

  test("refuses a fence larger than asked, naming it", () => {
    const r = refusal(() => ensureFenced({ memory: 64 * MiB }, on("docker-v2")));
    expect(r.code).toBe("FENCE_TOO_LARGE");
    expect(r.message).toContain("memory fence is 134217728");
  });

  test("refuses a fence that is not in force", () => {
    expect(codeOf(() => ensureFenced({ memory: 128 * MiB }, outside("podman")))).toBe(
      "FENCE_MISSING",
    );
    expect(codeOf(() => ensureFenced({ pids: 100 }, outside("k8s-pod")))).toBe("FENCE_MISSING");
    expect(
      codeOf(() => ensureFenced({ disk: { path: "/scratch", max: MiB } }, outside("podman"))),
    ).toBe("FENCE_MISSING");
  });

  test("with no requirements and no BRINK_FENCE_* it refuses: nothing would be checked", () => {
    expect(codeOf(() => ensureFenced(undefined, on("docker-v1")))).toBe("FENCE_MISSING");
  });

  test("with no requirements checks every BRINK_FENCE_* variable", () => {
    expect(
      codeOf(() => ensureFenced(undefined, on("docker-v1", { BRINK_FENCE_NOFILE: "64" }))),
    ).toBe("none");
    expect(
      codeOf(() => ensureFenced(undefined, on("docker-v1", { BRINK_FENCE_NOFILE: "32" }))),
    ).toBe("FENCE_TOO_LARGE");
    expect(
      codeOf(() => ensureFenced(undefined, outside("podman", { BRINK_FENCE_MEMORY: "1000" }))),
    ).toBe("FENCE_MISSING");
  });

  test("a malformed BRINK_FENCE_* is a BAD_REQUIREMENT naming the value", () => {
    expect(() => requirementsFromEnv({ BRINK_FENCE_PIDS: "lots" })).toThrow(
      "BRINK_FENCE_PIDS=lots",
    );
    expect(codeOf(() => ensureFenced(undefined, on("docker-v1", { BRINK_FENCE_PIDS: "-1" })))).toBe(
      "BAD_REQUIREMENT",
    );
  });
});

describe("ensureFenced opens only for a process brink started", () => {
  // Every fence but disk (a fixture's disk fence is the statfs of the real disk it sits on).
  const all = { memory: 128 * MiB, stack: MiB, nofile: 256, pids: 100, cpus: 1 };

  test("every fence holds but the hostname is not brink-$BRINK_TOKEN: refused", () => {
    const r = refusal(() => ensureFenced(all, on("docker-foreign")));
    expect(r.code).toBe("NOT_BRINK");
    expect(r.message).toContain('the hostname is "2bfcb2afdec5", not "brink-4c6e8a0b2d1f3e5c"');
    // The same container passes once the code says it is not brink's.
    expect(ensureFenced(all, outside("docker-foreign")).fences.memory).toBe(128 * MiB);
  });

  test("no BRINK_TOKEN: refused, even with BRINK_DESTRUCTIVE and BRINK_FENCE_* set", () => {
    const env = { BRINK_TOKEN: undefined, BRINK_FENCE_MEMORY: String(96 * MiB) };
    const r = refusal(() => ensureFenced(undefined, on("docker-v1", env)));
    expect(r.code).toBe("NOT_BRINK");
    expect(r.message).toContain("BRINK_TOKEN is not set");
  });

  test("a token of someone else's, or not 16+ lowercase hex, is refused", () => {
    const other = "0123456789abcdef";
    expect(codeOf(() => ensureFenced({}, on("docker-v1", { BRINK_TOKEN: other })))).toBe(
      "NOT_BRINK",
    );
    const upper = "5F2C9A7E1B3D4C6F8A0E2D4B6C8A1F3E";
    expect(
      refusal(() => ensureFenced({}, on("docker-v1", { BRINK_TOKEN: upper }))).message,
    ).toContain("not 16 or more lowercase hex");
  });

  test("without <root>/proc/sys/kernel/hostname it reads os.hostname()", () => {
    // The host fixture has no hostname file; this machine's name is not brink-<token>.
    const r = refusal(() => ensureFenced({}, on("host", { BRINK_TOKEN: "0123456789abcdef" })));
    expect(r.code).toBe("NOT_BRINK");
    expect(r.message).toContain(`the hostname is ${JSON.stringify(hostname())}`);
  });
});

describe("ensureFenced: swap", () => {
  const memory = { memory: 128 * MiB };
  test("v1 with memory.memsw.limit_in_bytes = the limit: a memory fence", () => {
    expect(codeOf(() => ensureFenced({ memory: 96 * MiB }, on("docker-v1")))).toBe("none");
  });
  test("v1 without swap accounting on a machine with no swap (SwapTotal 0): a memory fence", () => {
    expect(ensureFenced(memory, on("v1-nomemsw-noswap")).fences.swap).toBe(0);
  });
  test("v1 without swap accounting where swap exists: refused", () => {
    const r = refusal(() => ensureFenced(memory, on("v1-nomemsw-swap")));
    expect(r.code).toBe("FENCE_MISSING");
    expect(r.message).toContain("swap is unlimited or unknown");
  });
  test("v1 without swap accounting and no /proc/meminfo (unknown): refused", () => {
    expect(codeOf(() => ensureFenced({ memory: 256 * MiB }, outside("k8s-pod")))).toBe(
      "FENCE_MISSING",
    );
  });
  test("v2 memory.swap.max 0: a memory fence", () => {
    expect(codeOf(() => ensureFenced(memory, on("docker-v2")))).toBe("none");
  });
  test("v2 memory.swap.max max: refused", () => {
    expect(codeOf(() => ensureFenced(memory, on("v2-swap-max")))).toBe("FENCE_MISSING");
  });
  test("v2 without memory.swap.max where swap exists: refused", () => {
    expect(codeOf(() => ensureFenced(memory, on("v2-swap-missing")))).toBe("FENCE_MISSING");
  });
});

describe("ensureFenced: limits the process could raise are no fence", () => {
  test("a soft stack limit with an unlimited hard one (k8s-pod) is no stack fence", () => {
    const r = refusal(() => ensureFenced({ stack: 8 * MiB }, outside("k8s-pod")));
    expect(r.code).toBe("FENCE_MISSING");
    expect(r.message).toContain("only the soft stack limit is set");
  });
  test("with CAP_SYS_RESOURCE, hard rlimits are no fence; cgroup ones still are", () => {
    const r = refusal(() => ensureFenced({ nofile: 256 }, on("docker-sys-resource")));
    expect(r.code).toBe("FENCE_MISSING");
    expect(r.message).toContain("could raise its nofile limit itself");
    expect(
      codeOf(() => ensureFenced({ memory: 128 * MiB, pids: 100 }, on("docker-sys-resource"))),
    ).toBe("none");
  });
  test("privileged (CAP_SYS_ADMIN, cgroups read-write): no fence at all", () => {
    for (const want of [{ memory: 128 * MiB }, { pids: 100 }, { disk: 20 * MiB }, { stack: MiB }]) {
      expect(codeOf(() => ensureFenced(want, on("docker-privileged")))).toBe("FENCE_MISSING");
    }
  });
});
