import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { NO_FENCES } from "@brink/guard";
import { channelReader } from "../src/host.ts";
import {
  burnCpu,
  exhaustStack,
  faultyPeer,
  fillDisk,
  holdMemory,
  openDescriptors,
  ProbeError,
  runProbe,
  spawnProcesses,
} from "../src/index.ts";
import { builtinProbes } from "../src/suite/index.ts";

const RUNNER = resolve(import.meta.dir, "../src/runner.ts");
const openFds = () => readdirSync("/proc/self/fd").length;

async function refusal(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ProbeError) return e.code;
    throw e;
  }
  return "proceeded";
}

describe("never destructive outside a fence", () => {
  for (const destructive of [undefined, "1"]) {
    describe(`on the host, BRINK_DESTRUCTIVE=${destructive ?? "(unset)"}`, () => {
      const saved = process.env.BRINK_DESTRUCTIVE;
      const set = () => {
        if (destructive) process.env.BRINK_DESTRUCTIVE = destructive;
        else delete process.env.BRINK_DESTRUCTIVE;
      };
      const restore = () => {
        if (saved === undefined) delete process.env.BRINK_DESTRUCTIVE;
        else process.env.BRINK_DESTRUCTIVE = saved;
      };

      test("each pressure generator refuses and applies no pressure", async () => {
        set();
        const dir = mkdtempSync(join(tmpdir(), "brink-refuse-"));
        try {
          const fds = openFds();
          const rss = process.memoryUsage().rss;
          expect(await refusal(() => holdMemory({ bytes: 512 * 2 ** 20 }))).toBe("UNFENCED");
          expect(await refusal(() => openDescriptors({}))).toBe("UNFENCED");
          expect(await refusal(() => fillDisk({ dir }))).toBe("UNFENCED");
          expect(await refusal(() => exhaustStack({}))).toBe("UNFENCED");
          expect(await refusal(() => spawnProcesses({}))).toBe("UNFENCED");
          const cpu = process.cpuUsage();
          expect(await refusal(() => burnCpu({ workers: 4, ms: 2000 }))).toBe("UNFENCED");
          expect(await refusal(() => faultyPeer({ mode: "blackhole" }))).toBe("UNFENCED");
          const used = process.cpuUsage(cpu);
          expect((used.user + used.system) / 1000).toBeLessThan(500);
          expect(readdirSync(dir)).toEqual([]);
          expect(openFds()).toBe(fds);
          expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 2 ** 20);
        } finally {
          rmSync(dir, { recursive: true, force: true });
          restore();
        }
      });

      test("no built-in probe passes on the host: each is skipped or refused", async () => {
        set();
        const scratchRoot = mkdtempSync(join(tmpdir(), "brink-refuse-"));
        const fence = NO_FENCES;
        const empty = {
          cgroup: null,
          memory: null,
          swap: null,
          pids: null,
          cpus: null,
          nofile: { soft: null, hard: null },
          stack: { soft: null, hard: null },
          disk: null,
          raisable: [],
        };
        try {
          for (const p of builtinProbes) {
            const r = await runProbe(p, { fences: empty, fence, scratchRoot, timeoutMs: 5000 });
            expect([p.id, r.status, r.durationMs]).toEqual([p.id, "skip", 0]);
            expect(r.message).toContain("refusing");
          }
          expect(readdirSync(scratchRoot)).toEqual([]);
        } finally {
          rmSync(scratchRoot, { recursive: true, force: true });
          restore();
        }
      });
    });
  }

  test("the runner refuses on the host with exit 3, a signed refused event, and no probe started", () => {
    const plan = JSON.stringify([
      {
        id: "fd.exhaust-until-emfile",
        category: "fd",
        title: "t",
        expected: "graceful",
        timeoutMs: 5000,
      },
    ]);
    const envs = [
      {},
      { BRINK_DESTRUCTIVE: "1" },
      // Every marker and variable a suite could set on the host: still no brink token match.
      {
        BRINK_DESTRUCTIVE: "1",
        BRINK_TOKEN: "0123456789abcdef",
        BRINK_FENCE_MEMORY: "1",
        BRINK_FENCE_DISK: "1",
        BRINK_FENCE_STACK: "1",
        BRINK_FENCE_NOFILE: "1",
        BRINK_FENCE_PIDS: "1",
      },
    ];
    for (const env of envs) {
      const r = Bun.spawnSync(["bun", "--config=/dev/null", RUNNER, "--plan", plan], {
        env: { ...process.env, BRINK_DESTRUCTIVE: undefined, ...env },
      });
      expect(r.exitCode).toBe(3);
      const reader = channelReader();
      const got = r.stdout
        .toString()
        .split("\n")
        .filter(Boolean)
        .map((l) => reader.accept(l));
      expect(got.map((g) => g.kind)).toEqual(["hello", "event"]);
      expect((got[1] as { event: { event: string } }).event.event).toBe("refused");
      expect(r.stderr.toString()).toContain("refusing destructive work");
    }
  });
});
