import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The fixture trees: each a directory that stands for "/", with env.json for its environment.
 * docker-v1 and docker-v2 are containers as brink starts them (hostname brink-$BRINK_TOKEN);
 * docker-foreign is someone else's with every fence in force; the v1-/v2- trees vary swap;
 * docker-privileged and docker-sys-resource hold processes that could raise their limits.
 */
export const FIXTURES = [
  "docker-v1",
  "docker-v2",
  "k8s-pod",
  "podman",
  "host",
  "docker-foreign",
  "docker-privileged",
  "docker-sys-resource",
  "v1-nomemsw-noswap",
  "v1-nomemsw-swap",
  "v2-swap-max",
  "v2-swap-missing",
] as const;
export type Fixture = (typeof FIXTURES)[number];

export function fixtureRoot(name: Fixture): string {
  return join(import.meta.dir, "fixtures", name);
}

export function fixtureEnv(name: Fixture): Record<string, string> {
  return JSON.parse(readFileSync(join(fixtureRoot(name), "env.json"), "utf8"));
}
