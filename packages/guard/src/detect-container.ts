import { existsSync } from "node:fs";
import { join } from "node:path";
import { readText } from "./read-text.ts";

/** What kind of container, as far as the evidence tells. */
export type Runtime = "docker" | "podman" | "kubernetes" | "containerd" | "lxc" | "unknown";

/** The answer of {@link detectContainer}. */
export interface ContainerInfo {
  contained: boolean;
  runtime: Runtime | null;
  /** Each thing seen, e.g. "/.dockerenv exists", "cgroup path /docker/ab12...". */
  evidence: string[];
}

/** Options shared by the guard's readers; tests point them at fixture trees. */
export interface ReadOptions {
  /** Directory that stands for "/". @default "/" */
  root?: string;
  /** Environment to read. @default process.env */
  env?: Record<string, string | undefined>;
}

const CGROUP_HINTS: [RegExp, Runtime][] = [
  [/kubepods/, "kubernetes"],
  [/libpod|machine\.slice\/libpod/, "podman"],
  [/docker/, "docker"],
  [/containerd|cri-containerd/, "containerd"],
  [/\/lxc\//, "lxc"],
];

/**
 * Tells whether this process runs in a container, and lists the evidence.
 *
 * @example
 * const { contained, runtime, evidence } = detectContainer();
 * if (!contained) console.log("on the host:", evidence);
 */
export function detectContainer(options: ReadOptions = {}): ContainerInfo {
  const root = options.root ?? "/";
  const env = options.env ?? process.env;
  const evidence: string[] = [];
  const votes: Runtime[] = [];

  if (existsSync(join(root, ".dockerenv"))) {
    evidence.push("/.dockerenv exists");
    votes.push("docker");
  }
  if (existsSync(join(root, "run/.containerenv"))) {
    evidence.push("/run/.containerenv exists");
    votes.push("podman");
  }
  for (const line of (readText(root, "/proc/self/cgroup") ?? "").split("\n")) {
    const path = line.split(":").slice(2).join(":");
    const hit = CGROUP_HINTS.find(([re]) => re.test(path));
    if (hit) {
      evidence.push(`cgroup path ${path}`);
      votes.push(hit[1]);
      break;
    }
  }
  if (env.container) {
    evidence.push(`container=${env.container}`);
    votes.push(env.container === "podman" ? "podman" : "unknown");
  }
  if (env.KUBERNETES_SERVICE_HOST) {
    evidence.push(`KUBERNETES_SERVICE_HOST=${env.KUBERNETES_SERVICE_HOST}`);
    votes.unshift("kubernetes");
  }
  const rootMount = (readText(root, "/proc/self/mountinfo") ?? "")
    .split("\n")
    .find((l) => l.split(" ")[4] === "/");
  const fstype = rootMount?.split(" - ")[1]?.split(" ")[0];
  if (fstype === "overlay") {
    evidence.push("root filesystem is overlay");
    votes.push("unknown");
  }
  const runtime = votes.find((v) => v !== "unknown") ?? (votes.length ? "unknown" : null);
  return { contained: evidence.length > 0, runtime, evidence };
}
