#!/usr/bin/env bun
// The squeeze section of `bun run bench`: how many container runs and how long a memory
// squeeze of a program that holds 64 MiB takes (issue 13's goal: at most 12 runs and 5 s on
// 2 cores). `bun scripts/bench-squeeze.ts` prints it alone.
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./median.ts";

const ROOT = join(import.meta.dir, "..");
const MAIN = join(ROOT, "packages/cli/src/main.ts");
const HOLD = "packages/cli/test/fixtures/programs/squeeze-hold.ts";

/** One `brink squeeze --fence memory -- bun squeeze-hold.ts 64`, defaults otherwise: wall ms, runs, threshold. */
export async function squeezeOnce(): Promise<{ ms: number; runs: number; threshold: number }> {
  const json = join(tmpdir(), `brink-bench-squeeze-${process.pid}.json`);
  const t = performance.now();
  const p = Bun.spawn(
    ["bun", MAIN, "squeeze", "--fence", "memory", "--json", json, "--", "bun", HOLD, "64"],
    { cwd: ROOT, stdout: "ignore", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } },
  );
  const [code, stderr] = await Promise.all([p.exited, new Response(p.stderr).text()]);
  const ms = performance.now() - t;
  // Exit 1 is the answer here (an OOM kill below the cliff is not graceful); 2 and 3 are not.
  if (code !== 0 && code !== 1) throw new Error(`brink squeeze exited ${code}: ${stderr}`);
  const report = JSON.parse(readFileSync(json, "utf8"));
  rmSync(json, { force: true });
  return { ms, runs: report.runs, threshold: report.fences.memory.threshold };
}

/** Medians of `n` squeezes (after one warm-up, which also builds the image when needed). */
export async function benchSqueeze(n: number) {
  await squeezeOnce();
  const all: Awaited<ReturnType<typeof squeezeOnce>>[] = [];
  for (let i = 0; i < n; i++) all.push(await squeezeOnce());
  return {
    ms: median(all.map((x) => x.ms)),
    runs: median(all.map((x) => x.runs)),
    maxRuns: Math.max(...all.map((x) => x.runs)),
    threshold: median(all.map((x) => x.threshold)),
  };
}

if (import.meta.main) {
  const r = await benchSqueeze(Number(process.env.BENCH_RUNS ?? 5));
  console.log(
    `memory squeeze of squeeze-hold.ts 64: ${r.runs} runs (at most ${r.maxRuns}), ${(r.ms / 1000).toFixed(1)} s, threshold ${r.threshold / 2 ** 20} MiB`,
  );
}
