import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { type CgroupLayout, cgroupLayout } from "./cgroup.ts";
import { FENCE_NAMES, type FenceName } from "./fence-summary.ts";
import { readText } from "./read-text.ts";

const CAP_SYS_ADMIN = 21n;
const CAP_SYS_RESOURCE = 24n;

/** The effective capability mask (CapEff in /proc/self/status); null when unknown. */
export function readCapEff(root = "/"): bigint | null {
  const line = (readText(root, "/proc/self/status") ?? "")
    .split("\n")
    .find((l) => l.startsWith("CapEff:"));
  const hex = line?.slice("CapEff:".length).trim();
  return hex && /^[0-9a-f]+$/i.test(hex) ? BigInt(`0x${hex}`) : null;
}

/** Mount options (per mount and per filesystem) of the mount holding `path`, from mountinfo. */
export function mountOptionsOf(root: string, path: string): string[] | null {
  let best: { point: string; options: string[] } | null = null;
  for (const line of (readText(root, "/proc/self/mountinfo") ?? "").split("\n")) {
    const [pre, post] = line.split(" - ");
    const f = (pre ?? "").split(" ");
    const point = (f[4] ?? "").replace(/\\([0-7]{3})/g, (_, o: string) =>
      String.fromCharCode(Number.parseInt(o, 8)),
    );
    if (!point.startsWith("/")) continue;
    const inside = point === "/" || path === point || path.startsWith(`${point}/`);
    if (!inside || (best && point.length < best.point.length)) continue;
    const superOptions = (post ?? "").split(" ")[2] ?? "";
    best = { point, options: [...(f[5] ?? "").split(","), ...superOptions.split(",")] };
  }
  return best?.options ?? null;
}

/** True when this process could write `file` (in `dir` below root): a read-write mount it may write to. */
function canWrite(root: string, dir: string | null, file: string): boolean {
  if (dir == null) return false;
  if (mountOptionsOf(root, dir)?.includes("ro")) return false;
  try {
    accessSync(join(root, dir, file), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const LIMIT_FILES: Record<"memory" | "pids" | "cpus", Record<1 | 2, string[]>> = {
  memory: {
    1: ["memory.limit_in_bytes", "memory.memsw.limit_in_bytes"],
    2: ["memory.max", "memory.swap.max"],
  },
  pids: { 1: ["pids.max"], 2: ["pids.max"] },
  cpus: { 1: ["cpu.cfs_quota_us", "cpu.cfs_period_us"], 2: ["cpu.max"] },
};

/**
 * The fences this process could lift by itself, which therefore are no fence: all of them
 * with CAP_SYS_ADMIN (it could remount cgroups and tmpfs) or when its capabilities cannot
 * be read; stack and nofile with CAP_SYS_RESOURCE (it could raise hard rlimits); memory,
 * pids or cpus when it can write its own cgroup's limit file (a read-write cgroup mount).
 *
 * @example
 * raisableFences("/") // [] in brink's containers (no capabilities, cgroups mounted read-only)
 */
export function raisableFences(root = "/", layout: CgroupLayout = cgroupLayout(root)): FenceName[] {
  const caps = readCapEff(root);
  const has = (bit: bigint) => caps != null && ((caps >> bit) & 1n) === 1n;
  if (caps == null || has(CAP_SYS_ADMIN)) {
    return [...FENCE_NAMES];
  }
  const out: FenceName[] = has(CAP_SYS_RESOURCE) ? ["stack", "nofile"] : [];
  if (layout.version == null) return out;
  const version = layout.version;
  for (const [name, files] of Object.entries(LIMIT_FILES) as [
    "memory" | "pids" | "cpus",
    Record<1 | 2, string[]>,
  ][]) {
    const dir = layout.dir(name === "cpus" ? "cpu" : name);
    if (files[version].some((file) => canWrite(root, dir, file))) out.push(name);
  }
  return out;
}
