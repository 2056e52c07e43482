import { readdirSync } from "node:fs";
import { defineProbe, type Probe, verdict } from "../probe.ts";
import { recover } from "./recovery.ts";

const processCount = () => readdirSync("/proc").filter((d) => /^\d+$/.test(d)).length;

export const pidsProbes: Probe[] = [
  defineProbe({
    id: "pids.spawn-until-eagain",
    category: "pids",
    title: "spawning until the pids fence says EAGAIN; the parent survives",
    async run(ctx) {
      await using procs = await ctx.pressure.spawnProcesses({});
      const ok = procs.error === "EAGAIN" && procs.limit !== null && procs.spawned < procs.limit;
      return verdict(ok, `${procs.spawned} processes, then ${procs.error} (limit ${procs.limit})`, {
        spawned: procs.spawned,
        error: procs.error,
        limit: procs.limit,
      });
    },
  }),
  defineProbe({
    id: "pids.children-reaped",
    category: "pids",
    title: "every child is reaped after release: the process count returns",
    async run(ctx) {
      const before = processCount();
      const procs = await ctx.pressure.spawnProcesses({ target: 40 });
      const during = processCount();
      await procs.release();
      const after = processCount();
      return verdict(
        procs.reaped === 40 && after <= before,
        `${before} -> ${during} -> ${after} processes`,
        { before, during, after, reaped: procs.reaped },
      );
    },
  }),
  defineProbe({
    id: "pids.recovery-after-exhaustion",
    category: "pids",
    title: "after exhaustion and release, a new process starts and exits 0, and how soon",
    async run(ctx) {
      const procs = await ctx.pressure.spawnProcesses({});
      const released = performance.now();
      await procs.release();
      const r = await recover(released, async () => {
        const p = Bun.spawn(["sleep", "0"], {
          stdin: "ignore",
          stdout: "ignore",
          stderr: "ignore",
        });
        return await p.exited;
      });
      return verdict(
        procs.error === "EAGAIN" && r.value === 0,
        `exhausted at ${procs.spawned} (${procs.error}); then a new process exited ${r.value} ${r.recoveryMs ?? "never"} ms after the release`,
        {
          spawned: procs.spawned,
          error: procs.error,
          exitCode: r.value,
          recoveryMs: r.recoveryMs,
          tries: r.tries,
          lastError: r.lastError,
        },
      );
    },
  }),
  defineProbe({
    id: "pids.worker-at-limit-fails-catchably",
    category: "pids",
    title: "near the pids fence, starting a worker thread fails or works, but never crashes",
    async run(ctx) {
      const { Worker } = await import("node:worker_threads");
      // Warm, as a service that has run a while is: the collector's helper threads and one
      // worker's machinery started before the fence is near. A cold process that meets the
      // fence in its first milliseconds starts those threads lazily, and Bun aborts when it
      // cannot (seen: SIGABRT, "abort() called", about 1 run in 10 under load); that is a
      // fragility of Bun's start-up, not what this probe asks about a worker.
      Bun.gc(true);
      const warm = new Worker("require('node:worker_threads').parentPort.postMessage(1)", {
        eval: true,
      });
      await new Promise((resolve) => {
        warm.once("message", resolve);
        warm.once("error", resolve);
      });
      await warm.terminate();
      await using procs = await ctx.pressure.spawnProcesses({ margin: 2 });
      let outcome = "started";
      try {
        const w = new Worker("require('node:worker_threads').parentPort.postMessage(1)", {
          eval: true,
        });
        outcome = await new Promise<string>((resolve) => {
          w.once("message", () => resolve("ran"));
          w.once("error", (e) => resolve(`error: ${e.message}`));
          setTimeout(() => resolve("no answer in 5 s"), 5000);
        });
        await w.terminate();
      } catch (e) {
        outcome = `threw ${(e as Error).name}`;
      }
      return verdict(
        !outcome.startsWith("no answer"),
        `with ${procs.spawned} processes: worker ${outcome}`,
        { spawned: procs.spawned, outcome },
      );
    },
  }),
];
