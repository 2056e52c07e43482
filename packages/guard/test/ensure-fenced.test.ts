import { describe, expect, test } from "bun:test";
import { ensureFenced, GuardError, requirementsFromEnv } from "../src/index.ts";
import { type Fixture, fixtureEnv, fixtureRoot } from "./fixtures.ts";

const MiB = 2 ** 20;
const on = (name: Fixture, env: Record<string, string> = {}) => ({
  root: fixtureRoot(name),
  env: { ...fixtureEnv(name), BRINK_DESTRUCTIVE: "1", ...env },
});
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof GuardError) return e.code;
    throw e;
  }
  return "none";
}

describe("ensureFenced", () => {
  test("refuses without BRINK_DESTRUCTIVE=1, even in a container", () => {
    expect(codeOf(() => ensureFenced({}, { root: fixtureRoot("docker-v1"), env: {} }))).toBe(
      "NOT_DESTRUCTIVE",
    );
  });

  test("refuses on a plain host and says how to run properly", () => {
    let err: unknown;
    try {
      ensureFenced({}, on("host"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GuardError);
    expect((err as GuardError).code).toBe("NOT_CONTAINED");
    expect((err as GuardError).message).toContain("brink run");
  });

  for (const name of ["docker-v1", "docker-v2", "k8s-pod", "podman"] as const) {
    test(`${name}: proceeds with no requirements`, () => {
      expect(ensureFenced({}, on(name)).container.contained).toBe(true);
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
    let msg = "";
    try {
      ensureFenced({ memory: 64 * MiB }, on("docker-v2"));
    } catch (e) {
      msg = (e as GuardError).message;
      expect((e as GuardError).code).toBe("FENCE_TOO_LARGE");
    }
    expect(msg).toContain("memory fence is 134217728");
  });

  test("refuses a fence that is not in force", () => {
    expect(codeOf(() => ensureFenced({ memory: 128 * MiB }, on("podman")))).toBe("FENCE_MISSING");
    expect(codeOf(() => ensureFenced({ pids: 100 }, on("k8s-pod")))).toBe("FENCE_MISSING");
    expect(codeOf(() => ensureFenced({ disk: { path: "/scratch", max: MiB } }, on("podman")))).toBe(
      "FENCE_MISSING",
    );
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
      codeOf(() => ensureFenced(undefined, on("podman", { BRINK_FENCE_MEMORY: "1000" }))),
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
