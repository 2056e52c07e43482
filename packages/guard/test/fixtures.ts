import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The fixture trees: each a directory that stands for "/", with env.json for its environment. */
export const FIXTURES = ["docker-v1", "docker-v2", "k8s-pod", "podman", "host"] as const;
export type Fixture = (typeof FIXTURES)[number];

export function fixtureRoot(name: Fixture): string {
  return join(import.meta.dir, "fixtures", name);
}

export function fixtureEnv(name: Fixture): Record<string, string> {
  return JSON.parse(readFileSync(join(fixtureRoot(name), "env.json"), "utf8"));
}
