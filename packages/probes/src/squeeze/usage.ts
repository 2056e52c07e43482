#!/usr/bin/env bun
/**
 * In-container reader of what a command used, for `brink squeeze`: run (docker exec) after
 * the command ended in the same container, it prints one JSON line
 * `{"memoryPeak":N|null,"pidsPeak":N|null,"scratchUsed":N|null}` (bytes, tasks, bytes).
 *
 * The host uses these numbers only to choose which values to try next: never as a verdict,
 * so a wrong one costs tries, not truth (every threshold is a value that really passed).
 *
 *   bun --config=/dev/null usage.ts
 */
import { readFileSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { cgroupLayout } from "@brink/guard";

/** What the command used: peaks where the cgroup keeps them, /scratch as it was left. */
export interface Usage {
  memoryPeak: number | null;
  pidsPeak: number | null;
  scratchUsed: number | null;
}

function number(path: string | null): number | null {
  if (path === null) return null;
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isFinite(n) && n >= 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * Reads the cgroup's memory peak (v2 memory.peak, v1 memory.max_usage_in_bytes), its pids
 * peak (v2 pids.peak, where the kernel has it) and the bytes used on `scratch`.
 *
 * @example
 * readUsage() // { memoryPeak: 73400320, pidsPeak: null, scratchUsed: 0 }
 */
export function readUsage(root = "/", scratch = "/scratch"): Usage {
  const layout = cgroupLayout(root);
  const at = (c: "memory" | "pids", file: string) => {
    const dir = layout.dir(c);
    return dir === null ? null : join(root, dir, file);
  };
  const v2 = layout.version === 2;
  let scratchUsed: number | null = null;
  try {
    const s = statfsSync(join(root, scratch));
    scratchUsed = (s.blocks - s.bfree) * s.bsize;
  } catch {}
  return {
    memoryPeak: number(at("memory", v2 ? "memory.peak" : "memory.max_usage_in_bytes")),
    pidsPeak: v2 ? number(at("pids", "pids.peak")) : null,
    scratchUsed,
  };
}

if (import.meta.main) process.stdout.write(`${JSON.stringify(readUsage())}\n`);
