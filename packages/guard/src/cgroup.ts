import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseLimit, readText } from "./read-text.ts";

/** Where this process's cgroup files are: version and a directory per controller. */
export interface CgroupLayout {
  version: 1 | 2 | null;
  /** Directory (below root) holding a controller's files, e.g. memory -> /sys/fs/cgroup/memory. */
  dir(controller: "memory" | "pids" | "cpu"): string | null;
}

const BASE = "/sys/fs/cgroup";

/** Parses /proc/self/cgroup into controller -> path ("" is the v2 unified entry). */
export function parseProcCgroup(text: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (text ?? "").split("\n")) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const c of (m[1] ?? "").split(",")) out.set(c, m[2] ?? "/");
  }
  return out;
}

/**
 * Finds the cgroup version and this process's cgroup directories below `root`.
 * Inside a container the cgroup is mounted at the base; on a host it sits at the path that
 * /proc/self/cgroup names.
 *
 * @example
 * const layout = cgroupLayout("/"); layout.dir("memory") // "/sys/fs/cgroup/memory" on v1
 */
export function cgroupLayout(root = "/"): CgroupLayout {
  const own = parseProcCgroup(readText(root, "/proc/self/cgroup"));
  const pick = (mount: string, path: string | undefined): string | null => {
    if (!existsSync(join(root, mount))) return null;
    if (path && path !== "/" && existsSync(join(root, mount, path))) return join(mount, path);
    return mount;
  };
  if (existsSync(join(root, BASE, "cgroup.controllers"))) {
    const dir = pick(BASE, own.get(""));
    return { version: 2, dir: () => dir };
  }
  if (existsSync(join(root, BASE, "memory")) || existsSync(join(root, BASE, "pids"))) {
    return {
      version: 1,
      dir: (c) => {
        const mount = c === "cpu" ? `${BASE}/cpu` : `${BASE}/${c}`;
        return pick(mount, own.get(c));
      },
    };
  }
  return { version: null, dir: () => null };
}

/** Reads a cgroup file of `controller` as text. */
export function readCgroupFile(
  root: string,
  layout: CgroupLayout,
  controller: "memory" | "pids" | "cpu",
  file: string,
): string | null {
  const dir = layout.dir(controller);
  return dir == null ? null : readText(root, join(dir, file));
}

/** Reads a single-number cgroup file; null where absent or unlimited. */
export function readCgroupNumber(
  root: string,
  layout: CgroupLayout,
  controller: "memory" | "pids" | "cpu",
  file: string,
): number | null {
  return parseLimit(readCgroupFile(root, layout, controller, file));
}

/** Reads a `key value` line from a flat-keyed cgroup file (memory.events, memory.oom_control). */
export function readKeyed(text: string | null, key: string): number | null {
  for (const line of (text ?? "").split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k === key) return parseLimit(v);
  }
  return null;
}
