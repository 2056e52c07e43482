import { describe, expect, test } from "bun:test";
import {
  parseFences,
  parseHeadroom,
  parseRanges,
  squeezeArgs,
} from "../src/commands/squeeze-args.ts";
import { niceUp, SCALES, tryLimits } from "../src/orchestrate/squeeze-fences.ts";
import { hinted, type SearchSpec, searchCliff, spread } from "../src/orchestrate/squeeze-search.ts";
import type { TryEnd } from "../src/orchestrate/squeeze-try.ts";
import { saidLine, squeezeText } from "../src/report/squeeze-chart.ts";
import { squeezeJUnit } from "../src/report/squeeze-junit.ts";
import { squeezeMarkdown } from "../src/report/squeeze-markdown.ts";
import {
  classifyTry,
  type SqueezeReport,
  squeezeExitCode,
  tryRecord,
} from "../src/report/squeeze-report.ts";
import { palette } from "../src/report/terminal.ts";

const MiB = 2 ** 20;
const COUNT: SearchSpec = {
  low: 12,
  high: 4096,
  grid: 1,
  step: () => 1,
  concurrency: 2,
  repeat: 2,
};
const MEMORY: SearchSpec = {
  ...COUNT,
  low: 8 * MiB,
  high: 1024 * MiB,
  grid: MiB,
  step: SCALES.memory.step,
};

/** A program that needs `need`: passes at or above it; records every value tried. */
function program(need: number) {
  const tried: number[] = [];
  return {
    tried,
    run: async (v: number) => {
      tried.push(v);
      return v >= need;
    },
  };
}

describe("searchCliff on programs whose need is known", () => {
  test("counts are found exactly, with the value just below and both tried `repeat` times", async () => {
    for (const need of [13, 45, 100, 3000]) {
      const p = program(need);
      const r = await searchCliff(COUNT, p.run);
      expect(r.threshold).toBe(need);
      expect(r.below).toBe(need - 1);
      expect(r.flaky).toBe(false);
      expect(p.tried.filter((v) => v === need).length).toBe(2);
      expect(p.tried.filter((v) => v === need - 1).length).toBe(2);
      expect(p.tried.length).toBeLessThan(30);
    }
  });

  test("sizes are found to 1 MiB or 1%, whichever is coarser", async () => {
    for (const need of [9 * MiB + 1234, 68 * MiB, 300 * MiB + 7, 900 * MiB]) {
      const r = await searchCliff(MEMORY, program(need).run);
      const t = r.threshold as number;
      expect(t).toBeGreaterThanOrEqual(need);
      expect(t - need).toBeLessThanOrEqual(Math.max(MiB, need / 100) + MiB);
      expect(t - (r.below as number)).toBeLessThanOrEqual(Math.max(MiB, t / 100));
    }
  });

  test("a hint at the need saves tries; a wrong hint costs tries, never the answer", async () => {
    const plain = program(68 * MiB);
    const good = program(68 * MiB);
    const wrong = program(68 * MiB);
    const a = await searchCliff({ ...MEMORY, hintBelow: 0.15 }, plain.run);
    const b = await searchCliff({ ...MEMORY, hintBelow: 0.15 }, good.run, () => 70 * MiB);
    const c = await searchCliff({ ...MEMORY, hintBelow: 0.15 }, wrong.run, () => 20 * MiB);
    expect([a.threshold, b.threshold, c.threshold]).toEqual([68 * MiB, 68 * MiB, 68 * MiB]);
    expect(good.tried.length).toBeLessThan(plain.tried.length);
    expect(good.tried.length).toBeLessThanOrEqual(12);
  });

  test("passing at the bottom is not limiting; failing at the top is no threshold", async () => {
    const low = await searchCliff(COUNT, program(5).run);
    expect(low).toMatchObject({ threshold: null, passesAtLow: true, below: null });
    const high = await searchCliff(COUNT, program(5000).run);
    expect(high).toMatchObject({ threshold: null, failsAtHigh: true, below: 4096 });
  });

  test("--repeat: a program that fails every second run near its cliff is called flaky, not given a lucky number", async () => {
    // Needs 40, but every second run at a value from 30 to 39 fails: one run in two.
    const runs = new Map<number, number>();
    const flaky = async (v: number) => {
      const n = (runs.get(v) ?? 0) + 1;
      runs.set(v, n);
      return v >= 40 || (v >= 30 && n % 2 === 1);
    };
    const once = await searchCliff({ ...COUNT, repeat: 1 }, flaky);
    expect(once.threshold).toBeLessThan(40); // lucky
    runs.clear();
    const twice = await searchCliff(COUNT, flaky);
    expect(twice.threshold).toBe(40);
    expect(twice.flaky).toBe(true);
    expect(twice.below).toBe(39);
  });

  test("an interrupted search stops at once and says so", async () => {
    let n = 0;
    const r = await searchCliff(COUNT, async (v) => (++n > 3 ? null : v >= 50));
    expect(r.stopped).toBe("interrupted");
    expect(r.threshold).toBeNull();
    expect(n).toBeLessThanOrEqual(5);
  });

  test("spread and hinted stay on the grid, strictly inside the bracket", () => {
    expect(spread(12, 4096, 2, 1)).toEqual([84, 586]);
    expect(spread(44, 46, 2, 1)).toEqual([45]);
    expect(spread(44, 45, 2, 1)).toEqual([]);
    const h = hinted(8 * MiB, 1024 * MiB, 70.3 * MiB, 2, {
      grid: MiB,
      step: () => MiB,
      hintBelow: 0.15,
    });
    expect(h).toEqual([59 * MiB, 71 * MiB]);
    expect(hinted(8, 64, 64, 2, { grid: 1, step: () => 1 })).toEqual([]);
  });
});

describe("fences, values and flags", () => {
  test("recommended values are rounded up the way limits are written", () => {
    expect(niceUp(85 * MiB, MiB)).toBe(96 * MiB);
    expect(niceUp(214 * MiB, MiB)).toBe(224 * MiB);
    expect(niceUp(56.25, 1)).toBe(64);
    expect(niceUp(7, 1)).toBe(7);
    expect(niceUp(1025 * MiB, MiB)).toBe(1280 * MiB);
  });

  test("a disk try gets its tmpfs on top of the base memory", () => {
    const base = {
      memory: 128 * MiB,
      disk: 100 * MiB,
      stack: MiB,
      nofile: 256,
      pids: 100,
      cpus: 1,
    };
    expect(tryLimits(base, "disk", 50 * MiB)).toMatchObject({ disk: 50 * MiB, memory: 178 * MiB });
    expect(tryLimits(base, "nofile", 40)).toMatchObject({ nofile: 40, memory: 128 * MiB });
  });

  test("bad --fence, --range, --headroom and a missing command are usage errors naming the value", () => {
    expect(parseFences(["memory,nofile", "memory"])).toEqual(["memory", "nofile"]);
    expect(() => parseFences(["cpu"])).toThrow(/--fence "cpu" is not a fence/);
    expect(parseRanges(["memory=64m..512m"], ["memory"]).memory).toEqual({
      low: 64 * MiB,
      high: 512 * MiB,
    });
    expect(() => parseRanges(["memory=512m..64m"], ["memory"])).toThrow(/LOW must be below HIGH/);
    expect(() => parseRanges(["nofile=4..64"], ["nofile"])).toThrow(/under 12; raise LOW/);
    expect(() => parseRanges(["disk=1m..2m"], ["memory"])).toThrow(/add --fence disk/);
    expect(() => parseRanges(["memory=64m"], ["memory"])).toThrow(/FENCE=LOW\.\.HIGH/);
    expect(parseHeadroom("10%")).toBe(0.1);
    expect(() => parseHeadroom("lots")).toThrow(/--headroom "lots"/);
    expect(() => squeezeArgs(["--fence", "memory"])).toThrow(/needs a command after --/);
    expect(() => squeezeArgs(["--repeat", "0", "--", "bun", "x.ts"])).toThrow(/--repeat "0"/);
  });
});

const end = (exitCode: number | null, more: Partial<TryEnd> = {}, timedOut = false): TryEnd => ({
  command: { exitCode, timedOut, stdout: "", stderr: "", durationMs: 10 },
  check: null,
  oomKilled: false,
  usage: null,
  ...more,
});
const checked = (exitCode: number | null) => ({
  exitCode,
  timedOut: false,
  stdout: "",
  stderr: "bad",
  durationMs: 5,
});

describe("outcomes and reports", () => {
  test("the line shown under a failure is the one naming the error, else the last", () => {
    const bunTrace = `35 |   const fd = openSync(path, "w");\n        ^\nEMFILE: too many open files, open '/scratch/x'\n    code: "EMFILE"\n\n      at /work/x.ts:45:14\n\nBun v1.4.5 (Linux x64)\n`;
    expect(saidLine(bunTrace)).toBe("EMFILE: too many open files, open '/scratch/x'");
    expect(saidLine("RangeError: Out of memory\n at f")).toBe("RangeError: Out of memory");
    expect(saidLine("disk full, wrote nothing\n")).toBe("disk full, wrote nothing");
    expect(saidLine("")).toBe("");
  });

  test("each outcome comes from what the engine said, never from the command's output", () => {
    expect(classifyTry(end(0))).toBe("pass");
    expect(classifyTry(end(137, { oomKilled: true }))).toBe("oom-killed");
    expect(classifyTry(end(137))).toBe("signal");
    expect(classifyTry(end(139))).toBe("signal");
    expect(classifyTry(end(1))).toBe("error-exit");
    expect(classifyTry(end(1, { oomKilled: true }))).toBe("error-exit");
    expect(classifyTry(end(0, { check: checked(1) }))).toBe("corrupted");
    expect(classifyTry(end(1, { check: checked(1) }))).toBe("corrupted");
    expect(classifyTry(end(137, { oomKilled: true, check: checked(1) }))).toBe("oom-killed");
    expect(classifyTry(end(null, {}, true))).toBe("hung");
    // The engine's exec could not start the command (runc's init under a pids fence): not
    // a graceful failure of the program, which never ran.
    expect(classifyTry(end(126))).toBe("not-started");
    expect(classifyTry(end(127))).toBe("not-started");
    const lying = end(0, {
      command: {
        exitCode: 0,
        timedOut: false,
        stdout: "oom-killed FAIL",
        stderr: "",
        durationMs: 1,
      },
    });
    expect(classifyTry(lying)).toBe("pass");
  });

  test("reports escape what the command printed; JUnit fails a non-graceful fence; exit codes follow", () => {
    const hostile = "\u001b[31mred\u202e</failure><x>|`*";
    const oom = { ...tryRecord(67 * MiB, end(137, { oomKilled: true })), stderr: hostile };
    const pass = tryRecord(68 * MiB, end(0));
    const report: SqueezeReport = {
      version: 1,
      command: ["bun", "x.ts"],
      check: null,
      startedAt: new Date(0).toISOString(),
      durationMs: 1000,
      repeat: 2,
      headroom: 0.25,
      runs: 2,
      fences: {
        memory: {
          limiting: true,
          threshold: 68 * MiB,
          recommended: 96 * MiB,
          below: {
            value: 67 * MiB,
            outcome: "oom-killed",
            exitCode: 137,
            signal: "SIGKILL",
            oomKilled: true,
            evidence: "exit 137",
            stderr: hostile,
          },
          graceful: false,
          flaky: false,
          range: { low: 8 * MiB, high: 1024 * MiB },
          summary: "needs 68m",
          tries: [oom, pass],
          fences: {
            memory: 128 * MiB,
            disk: 100 * MiB,
            stack: MiB,
            nofile: 256,
            pids: 100,
            cpus: 1,
          },
        },
      },
    };
    expect(squeezeExitCode(report)).toBe(1);
    const text = squeezeText(report, palette(false));
    expect(text).not.toContain("\u001b");
    expect(text).not.toContain("\u202e");
    expect(text).toContain("memory 68m           96m          67m: oom-killed");
    const xml = squeezeJUnit(report);
    expect(xml).toContain('<failure message="oom-killed below the cliff" type="oom-killed">');
    expect(xml).not.toContain("</failure><x>");
    expect(squeezeMarkdown(report)).toContain("| memory | 68m | 96m | 67m: oom-killed");
    expect(text).toContain("it said: \\x1b[31mred\\u202e</failure><x>|`*");
    const fine = structuredClone(report);
    const m = fine.fences.memory as NonNullable<typeof fine.fences.memory>;
    m.below = { ...(m.below as NonNullable<typeof m.below>), outcome: "error-exit" };
    m.graceful = true;
    expect(squeezeExitCode(fine)).toBe(0);
    expect(squeezeJUnit(fine)).toContain('failures="0"');
  });
});
