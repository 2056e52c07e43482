import { describe, expect, test } from "bun:test";
import { detectContainer } from "../src/index.ts";
import { type Fixture, fixtureEnv, fixtureRoot } from "./fixtures.ts";

const v1 = {
  contained: true,
  runtime: "docker",
  sees: ["/.dockerenv exists", "cgroup path /docker/"],
};
const v2 = { contained: true, runtime: "docker", sees: ["/.dockerenv exists", "overlay"] };
const expected: Record<Fixture, { contained: boolean; runtime: string | null; sees: string[] }> = {
  "docker-v1": {
    contained: true,
    runtime: "docker",
    sees: ["/.dockerenv exists", "cgroup path /docker/", "overlay"],
  },
  "docker-v2": { contained: true, runtime: "docker", sees: ["/.dockerenv exists", "overlay"] },
  "k8s-pod": {
    contained: true,
    runtime: "kubernetes",
    sees: ["cgroup path /kubepods/", "KUBERNETES_SERVICE_HOST="],
  },
  podman: {
    contained: true,
    runtime: "podman",
    sees: ["/run/.containerenv exists", "container=podman"],
  },
  host: { contained: false, runtime: null, sees: [] },
  "docker-foreign": v1,
  "docker-privileged": v1,
  "docker-sys-resource": v1,
  "v1-nomemsw-noswap": v1,
  "v1-nomemsw-swap": v1,
  "v2-swap-max": v2,
  "v2-swap-missing": v2,
};

describe("detectContainer on fixture trees", () => {
  for (const [name, want] of Object.entries(expected) as [Fixture, (typeof expected)[Fixture]][]) {
    test(name, () => {
      const info = detectContainer({ root: fixtureRoot(name), env: fixtureEnv(name) });
      expect(info.contained).toBe(want.contained);
      expect(info.runtime).toBe(want.runtime as never);
      for (const s of want.sees) expect(info.evidence.some((e) => e.includes(s))).toBe(true);
      if (!want.contained) expect(info.evidence).toEqual([]);
    });
  }

  test("a host cgroup path alone is no evidence", () => {
    const info = detectContainer({ root: fixtureRoot("host"), env: { container: "" } });
    expect(info.contained).toBe(false);
  });
});
