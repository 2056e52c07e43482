import { parseLimit, readText } from "./read-text.ts";

/** A resource limit: soft and hard, null where unlimited. */
export interface SoftHard {
  soft: number | null;
  hard: number | null;
}

const NAMES = {
  nofile: "Max open files",
  stack: "Max stack size",
  nproc: "Max processes",
} as const;

/**
 * Reads /proc/self/limits below `root`: open files, stack bytes, processes.
 *
 * @example
 * readProcLimits("/").nofile // { soft: 1024, hard: 524288 }
 */
export function readProcLimits(root = "/"): Record<keyof typeof NAMES, SoftHard> {
  const text = readText(root, "/proc/self/limits") ?? "";
  const out = {} as Record<keyof typeof NAMES, SoftHard>;
  for (const [key, label] of Object.entries(NAMES) as [keyof typeof NAMES, string][]) {
    const line = text.split("\n").find((l) => l.startsWith(label));
    const cols = line ? line.slice(label.length).trim().split(/\s+/) : [];
    out[key] = { soft: parseLimit(cols[0]), hard: parseLimit(cols[1]) };
  }
  return out;
}
