#!/usr/bin/env bun
// `bun run bench`: measures brink on this machine and writes docs/performance.md: every goal
// of issue 14 as a ratio next to its target, the floor measured in the same run. Speed is
// measured here, never asserted in tests. Needs a running engine; touches only what its own
// run id made (the shared probe image is never removed: the cold build uses a tag of its own).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { CATEGORIES } from "@brink/probes";
import { DEFAULT_LIMITS } from "../packages/cli/src/args/limits.ts";
import {
  buildContext,
  ensureImage,
  prepareContext,
} from "../packages/cli/src/engine/build-image.ts";
import { connectEngine } from "../packages/cli/src/engine/connect.ts";
import { collectImageInputs } from "../packages/cli/src/engine/image-inputs.ts";
import { LABEL, LABEL_RUN } from "../packages/cli/src/engine/labels.ts";
import { runContainer } from "../packages/cli/src/engine/run-container.ts";
import { compareWithBaseline, DEFAULT_BASELINE } from "./bench-baseline.ts";
import { benchSqueeze } from "./bench-squeeze.ts";
import { median } from "./median.ts";

const ROOT = join(import.meta.dir, "..");
const MAIN = join(ROOT, "packages/cli/src/main.ts");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const runId = `bench-${process.pid}`;
const log = (s: string) => process.stderr.write(`${s}\n`);

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
}

async function times(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await timed(fn))[0]);
  return out;
}

/**
 * Runs the real CLI; returns wall ms, its peak RSS (bytes) and the JSON report when asked.
 * The peak is the brink process's own high-water mark (VmHWM, read by GNU time where it is
 * installed): wait4's ru_maxrss, which Bun reports, also counts the largest child ever reaped.
 */
async function cli(args: string[], json = true, ok = [0]) {
  const file = join(tmpdir(), `brink-bench-${process.pid}.json`);
  const rssFile = join(tmpdir(), `brink-bench-${process.pid}.rss`);
  const gnuTime = Bun.which("time") && (await Bun.file("/usr/bin/time").exists());
  const argv = [
    "bun",
    MAIN,
    ...args.slice(0, 1),
    ...(json ? ["--json", file] : []),
    ...args.slice(1),
  ];
  const t = performance.now();
  const p = Bun.spawn(gnuTime ? ["/usr/bin/time", "-f", "%M", "-o", rssFile, ...argv] : argv, {
    cwd: ROOT,
    stdout: "ignore",
    stderr: "ignore",
    env: { ...process.env, NO_COLOR: "1", BRINK_RUN_ID: runId },
  });
  const code = await p.exited;
  const ms = performance.now() - t;
  const report = json ? JSON.parse(readFileSync(file, "utf8")) : null;
  const maxRss = gnuTime
    ? Number(readFileSync(rssFile, "utf8").trim().split("\n").pop()) * 1024
    : (p.resourceUsage()?.maxRSS ?? 0);
  rmSync(file, { force: true });
  rmSync(rssFile, { force: true });
  if (!ok.includes(code)) {
    const bad = ((report?.results ?? []) as { id: string; status: string; message: string }[])
      .filter((r) => r.status !== "pass")
      .map((r) => `${r.id} ${r.status}: ${r.message}`);
    throw new Error(
      `brink ${args.join(" ")} exited ${code}${bad.length ? `:\n${bad.join("\n")}` : ""}`,
    );
  }
  return { ms, maxRss, report };
}

const { docker } = await connectEngine();
const version = (await docker.version()).Version;
const { tag } = await ensureImage(docker, { runId });

log("cold image build (a tag of its own)...");
const cold: number[] = [];
for (let i = 0; i < Math.min(RUNS, 3); i++) {
  const inputs = collectImageInputs();
  const dir = mkdtempSync(join(tmpdir(), "brink-bench-image-"));
  const own = `brink-bench:${runId}-${i}`;
  try {
    cold.push(
      (
        await timed(async () => {
          await prepareContext(inputs, dir);
          await buildContext(docker, dir, {
            tag: own,
            labels: { [LABEL]: "1", [LABEL_RUN]: runId },
          });
        })
      )[0],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await docker
      .getImage(own)
      .remove({ force: true })
      .catch(() => {});
  }
}
log("warm image check (nothing changed)...");
const warmInProcess = await times(RUNS, () => ensureImage(docker, { runId }));
const warmFresh = await times(RUNS, async () => {
  // A fresh process, as each brink command is: reads the hash cache from disk.
  const p = Bun.spawn(
    [
      "bun",
      "-e",
      `const t=performance.now(); const m=await import(${JSON.stringify(join(ROOT, "packages/cli/src/engine/image-inputs.ts"))}); m.collectImageInputs(); console.log(performance.now()-t)`,
    ],
    { stdout: "pipe" },
  );
  return Number((await new Response(p.stdout).text()).trim());
});

log("floor: bun -e 0 in the image, network none...");
const floor = await times(RUNS, () =>
  runContainer(docker, { image: tag, runId, cmd: ["-e", "0"], limits: DEFAULT_LIMITS }),
);
const floorMs = median(floor);

log("brink exec -- bun -e 0...");
const exec = await times(RUNS, () => cli(["exec", "--", "bun", "-e", "0"], false));

log("each category alone...");
const perCategory: Record<string, number> = {};
for (const c of CATEGORIES) {
  const ms: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) ms.push((await cli(["run", "--category", c])).ms);
  perCategory[c] = median(ms);
}

log("whole suite, warm...");
const suite: { ms: number; maxRss: number; work: number; probes: number }[] = [];
for (let i = 0; i < RUNS; i++) {
  const r = await cli(["run"]);
  suite.push({
    ms: r.ms,
    maxRss: r.maxRss,
    probes: r.report.results.length,
    work: r.report.results.reduce((s: number, x: { durationMs: number }) => s + x.durationMs, 0),
  });
}
const suiteMs = median(suite.map((s) => s.ms));
const classic = await times(RUNS, () => cli(["run", "--category", "oom,disk,stack,fd,pids"]));

log("sweep: write:EIO over a temp+fsync+rename saver...");
const sweepRuns: { ms: number; steps: number }[] = [];
for (let i = 0; i < Math.min(RUNS, 3); i++) {
  const r = await cli(
    [
      "sweep",
      "--fault",
      "write:EIO",
      "--",
      "bun",
      "packages/cli/test/fixtures/programs/save-crash.ts",
      "atomic",
    ],
    true,
    [0, 1],
  );
  sweepRuns.push({ ms: r.ms, steps: Math.max(1, r.report.results.length) });
}

const baselineRev = process.env.BENCH_BASELINE ?? DEFAULT_BASELINE;
log(`issue 11: the five original categories against ${baselineRev}, on the probes both have...`);
const baseline = await compareWithBaseline(
  ROOT,
  baselineRev,
  RUNS,
  { ...process.env, NO_COLOR: "1", BRINK_RUN_ID: runId },
  {
    exists: (t) =>
      docker
        .getImage(t)
        .inspect()
        .then(
          () => true,
          () => false,
        ),
    remove: async (t) => {
      await docker.getImage(t).remove({ force: true });
    },
  },
);

log("squeeze: memory of a program holding 64 MiB...");
const squeeze = await benchSqueeze(Math.min(RUNS, 3));

const f = (ms: number) => `${Math.round(ms)} ms`;
const goal = (value: number, target: number, unit = "x") =>
  `${unit === "x" ? value.toFixed(2) : Math.round(value)}${unit} (target ${target}${unit}) ${value <= target ? "met" : "**missed**"}`;
const stepMs = median(sweepRuns.map((r) => r.ms / r.steps));
const sweepSteps = median(sweepRuns.map((r) => r.steps));
const peakMiB = median(suite.map((s) => s.maxRss)) / 2 ** 20;

const md = `# Performance

Measured by \`bun run bench\` (scripts/bench.ts) on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, engine ${version}, Bun ${Bun.version}. Medians of ${RUNS} runs (3 for builds, categories and sweeps). Speed is measured here, never asserted in tests.

## Goals (issue 14), each against the floor measured in the same run

The floor: start the probe image with \`bun -e 0\`, network none (create, start, wait, inspect, remove): **${f(floorMs)}**.

| goal | measured | ratio to its target |
| --- | --- | --- |
| whole built-in suite, warm (${median(suite.map((s) => s.probes))} probes, 7 categories) | ${f(suiteMs)} | ${goal(suiteMs / floorMs, 8)} |
| the five original categories (oom, disk, stack, fd, pids; 39 probes) | ${f(median(classic))} | ${goal(median(classic) / floorMs, 8)} |
| \`brink exec -- bun -e 0\` | ${f(median(exec))} | ${goal(median(exec) / floorMs, 1.5)} |
| warm image check, nothing changed (fresh process, as a command does) | ${f(median(warmFresh))} | ${goal(median(warmFresh), 20, " ms")} |
| warm image check including the engine's inspect | ${f(median(warmInProcess))} | |
| sweep step (${sweepSteps} steps of write:EIO, concurrency = cores, whole command / steps) | ${f(stepMs)} | ${goal(stepMs / floorMs, 1.3)} |
| cold image build (offline, FROM scratch) | ${f(median(cold))} | ${goal(median(cold), 5000, " ms")} |
| peak memory (max RSS) of the brink process during the suite | ${peakMiB.toFixed(0)} MiB | ${goal(peakMiB, 100, " MiB")} |
| \`brink squeeze --fence memory -- bun squeeze-hold.ts 64\` (issue 13) | ${squeeze.runs} runs (at most ${squeeze.maxRuns}), ${f(squeeze.ms)} | goal 12 runs, 5 s: ${squeeze.maxRuns <= 12 && squeeze.ms <= 5000 ? "met" : "**missed**"} |

## One process per probe (issue 11): the warm suite at most 15% slower

${
  "skipped" in baseline
    ? `Not measured: ${baseline.skipped} (BENCH_BASELINE=${baseline.rev}).`
    : `The five original categories, warm, on the ${baseline.probes} probes both versions have (\`brink run --probe\` here), alternately, medians of ${RUNS}: before (${baseline.rev}, every probe in one shared process) **${f(baseline.oldMs)}**, now **${f(baseline.newMs)}**: ${goal(baseline.newMs / baseline.oldMs, 1.15)}.${baseline.oldOnly.length ? ` Only in ${baseline.rev}: ${baseline.oldOnly.join(", ")}.` : ""}`
}

## Each category alone (whole command)

| category | median |
| --- | --- |
${CATEGORIES.map((c) => `| \`brink run --category ${c}\` | ${f(perCategory[c] as number)} |`).join("\n")}
| probe work inside the containers (sum of probe durations, whole suite) | ${f(median(suite.map((s) => s.work)))} |
`;
const out = join(ROOT, "docs/performance.md");
const notes = readFileSync(out, "utf8").split("\n<!-- notes -->\n")[1];
writeFileSync(out, notes ? `${md}\n<!-- notes -->\n${notes}` : md);
console.log(md);
