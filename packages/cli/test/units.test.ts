import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CATEGORIES } from "@brink/probes";
import { limitOf, limitsNeeded } from "../src/args/category-limit.ts";
import { commandLineOf, runArgsOf } from "../src/args/command-line.ts";
import { didYouMean } from "../src/args/did-you-mean.ts";
import { invocationIn } from "../src/args/invocation.ts";
import { COMMAND_MINIMUM, limitsFromFlags, parseLimit, SWEEP_MINIMUM } from "../src/args/limits.ts";
import { shellLine, shellQuote } from "../src/args/shell-quote.ts";
import { formatSize, parseCount, parseCpus, parseDuration, parseSize } from "../src/args/units.ts";
import { diskWithinMemory } from "../src/commands/exec.ts";
import { planFromArgs } from "../src/commands/run.ts";
import { limitsFor } from "../src/orchestrate/run-plan.ts";
import { ROOT } from "./engine.ts";

const MiB = 2 ** 20;

describe("sizes", () => {
  test.each([
    ["128m", 128 * MiB],
    ["128M", 128 * MiB],
    ["128MiB", 128 * MiB],
    ["1g", 1024 * MiB],
    ["1.5g", 1536 * MiB],
    ["1048576", 1048576],
    ["64k", 65536],
  ])("%s", (v, want) => expect(parseSize("--memory", v)).toBe(want));

  test.each(["0", "-1", "12xb", "1e99", "", "m", "99999g", "1.2.3m"])(
    "rejects %p naming flag and value",
    (v) => {
      expect(() => parseSize("--memory", v)).toThrow(`--memory ${JSON.stringify(v)}`);
    },
  );

  test("formatSize gives back what parseSize takes", () => {
    for (const n of [128 * MiB, 1536 * MiB, 1048576, 65536, 1000])
      expect(parseSize("--x", formatSize(n))).toBe(n);
  });
});

describe("counts, cpus and durations", () => {
  test("counts", () => {
    expect(parseCount("--nofile", "256")).toBe(256);
    for (const bad of ["0", "-3", "2.5", "lots", ""])
      expect(() => parseCount("--nofile", bad)).toThrow("--nofile");
  });
  test("cpus", () => {
    expect(parseCpus("--cpus", "0.5")).toBe(0.5);
    expect(() => parseCpus("--cpus", "0")).toThrow("--cpus");
  });
  test("durations", () => {
    expect(parseDuration("--timeout", "30s")).toBe(30_000);
    expect(parseDuration("--timeout", "2m")).toBe(120_000);
    expect(parseDuration("--timeout", "500ms")).toBe(500);
    for (const bad of ["0s", "soon", "-1s", "48h"])
      expect(() => parseDuration("--timeout", bad)).toThrow("--timeout");
  });
});

describe("limits a fence can hold (the wizard checks each answer with these)", () => {
  test.each([
    ["memory", "64", "--memory 64 is 64 bytes: did you mean 64m?"],
    ["disk", "64", "--disk 64 is 64 bytes: did you mean 64m?"],
    [
      "memory",
      "1k",
      "--memory 1k cannot be honoured: the runner and a probe's process (two Bun processes) need 32m",
    ],
    ["nofile", "2", "--nofile 2 cannot be honoured: Bun does not start under 32"],
    ["pids", "1", "--pids 1 cannot be honoured: Bun does not start under 16"],
    ["stack", "100000", "--stack 100000 (bytes) cannot be honoured"],
  ] as const)("%s %p: %p", (name, value, says) => {
    expect(() => parseLimit(name, value)).toThrow(says);
  });

  test("one command of the user's needs less than a run (exec and squeeze: 6m, the engine's least)", () => {
    expect(parseLimit("memory", "16m", COMMAND_MINIMUM)).toBe(16 * 2 ** 20);
    expect(() => parseLimit("memory", "4m", COMMAND_MINIMUM)).toThrow(
      "--memory 4m cannot be honoured: the engine starts no container under 6m",
    );
    expect(() => parseLimit("memory", "16m", SWEEP_MINIMUM)).toThrow(
      "the sweep's driver and the program (two Bun processes) need 32m",
    );
  });

  test("what Bun lives under passes, as the flags give it", () => {
    expect(parseLimit("memory", "64m")).toBe(64 * MiB);
    expect(parseLimit("disk", "4096")).toBe(4096);
    expect(parseLimit("nofile", "32")).toBe(32);
    expect(limitsFromFlags({ pids: "16" }).pids).toBe(16);
  });

  test("each category's limit is the fence the runner requires for it", () => {
    // limitOf reads the runner's table: these are the fences each category pushes against.
    expect(CATEGORIES.map((c) => [c, limitOf(c)])).toEqual([
      ["oom", "memory"],
      ["disk", "disk"],
      ["stack", "stack"],
      ["fd", "nofile"],
      ["pids", "pids"],
      ["cpu", "cpus"],
      ["net", "nofile"],
    ]);
    expect(limitOf("nosuch")).toBeNull();
    expect(limitsNeeded(["fd", "oom"])).toEqual(["memory", "nofile"]);
    expect(limitsNeeded(["nosuch"])).toEqual([]);
  });
});

describe("one container's disk within its memory (exec, sweep, squeeze)", () => {
  test("the default disk shrinks to half of a small --memory; a --disk given that cannot fit is refused", () => {
    const small = limitsFromFlags({ memory: "64m" });
    expect(diskWithinMemory(small, false).disk).toBe(32 * MiB);
    expect(diskWithinMemory(limitsFromFlags({}), false).disk).toBe(100 * MiB);
    expect(diskWithinMemory(limitsFromFlags({ memory: "64m", disk: "8m" }), true).disk).toBe(
      8 * MiB,
    );
    expect(() => diskWithinMemory(limitsFromFlags({ memory: "64m", disk: "100m" }), true)).toThrow(
      "--disk 100m cannot be honoured under --memory 64m",
    );
  });
});

describe("did you mean", () => {
  test.each([
    ["rn", ["run", "exec", "sweep", "list"], "run"],
    ["rnu", ["run", "exec", "sweep", "list"], "run"],
    ["--memry", ["--memory", "--disk", "--json"], "--memory"],
    ["--categroy", ["--category", "--concurrency"], "--category"],
    ["--mem", ["--memory", "--markdown"], "--memory"],
    ["docter", ["doctor", "clean"], "doctor"],
  ])("%p -> %p", (word, candidates, want) => {
    expect(didYouMean(word, candidates)).toBe(want);
  });

  test.each([
    ["frob", ["run", "exec"]],
    ["x", ["run", "exec"]],
    ["--m", ["--memory", "--markdown"]],
    ["--jsn", ["--json", "--jsan"]],
  ])("%p: nothing near enough, or no single nearest", (word, candidates) => {
    expect(didYouMean(word, candidates)).toBeNull();
  });
});

/** What sh (and bash) make of a line: its arguments, NUL-separated. */
function argsAsShellReadsThem(shell: string, line: string): string[] {
  const r = Bun.spawnSync([shell, "-c", `printf '%s\\0' ${line}`], { stdout: "pipe" });
  return r.stdout.toString().split("\0").slice(0, -1);
}

describe("shell quoting", () => {
  const hostile = [
    "plain",
    "reports/brink.json",
    "my suite.ts",
    "it's",
    `"double"`,
    "$HOME",
    "`id`",
    "a\\b",
    "line\nbreak",
    "",
    "=x",
    "~",
    "*.ts",
    "!",
    "a;b|c&d",
    "--category=fd",
  ];

  for (const shell of ["sh", "bash"])
    test(`every argument reads back unchanged in ${shell}`, () => {
      expect(argsAsShellReadsThem(shell, shellLine(hostile))).toEqual(hostile);
    });

  test("plain words stay plain", () => {
    expect(shellQuote("--memory")).toBe("--memory");
    expect(shellQuote("oom,disk")).toBe("oom,disk");
    expect(shellQuote("my suite.ts")).toBe("'my suite.ts'");
  });
});

describe("the wizard's command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "brink cmdline "));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "my suites"));
  writeFileSync(join(dir, "my suites", "it's.ts"), "export {};\n");

  test("how brink starts where the user is: bun run brink here, bunx brink in a project, else brink", () => {
    expect(invocationIn(ROOT)).toEqual(["bun", "run", "brink"]);
    expect(invocationIn(dir)).toEqual(["brink"]);
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ devDependencies: { "@brink/cli": "^0.1.0" } }),
    );
    expect(invocationIn(dir)).toEqual(["bunx", "brink"]);
  });

  test("a limit a category has its own default for (cpu: 0.25 cpus) is written only when set", () => {
    const kept = planFromArgs(["--category", "cpu,fd", "--project", dir]);
    expect(runArgsOf(kept, dir)).toEqual(["run", "--category", "cpu,fd", "--nofile", "256"]);
    const set = planFromArgs(["--category", "cpu", "--cpus", "0.5", "--project", dir]);
    expect(runArgsOf(set, dir)).toEqual(["run", "--category", "cpu", "--cpus", "0.5"]);
  });

  test("pasted into a shell, it is the same plan (a path with a space and a quote included)", () => {
    const plan = planFromArgs([
      "--category",
      "fd,oom",
      "--nofile",
      "64",
      "--pids",
      "50",
      "--suite",
      "my suites/it's.ts",
      "--project",
      dir,
      "--json",
      "out dir/r.json",
      "--allow-skip",
    ]);
    const line = commandLineOf(plan, { cwd: dir, invocation: ["bunx", "brink"] });
    expect(line).toBe(
      "bunx brink run --category fd,oom --memory 128m --nofile 64 --pids 50 --suite 'my suites/it'\\''s.ts' --allow-skip --json 'out dir/r.json'",
    );
    const read = argsAsShellReadsThem("sh", line);
    expect(read.slice(0, 2)).toEqual(["bunx", "brink"]);
    expect(read.slice(2)).toEqual(runArgsOf(plan, dir));
    const again = planFromArgs([...read.slice(3), "--project", dir]);
    // The same plan; "given" may name more limits, but every container gets the same fences.
    expect({ ...again, limitsGiven: [] }).toEqual({ ...plan, limitsGiven: [] });
    for (const c of CATEGORIES)
      expect(limitsFor(c, again.limits, again.limitsGiven)).toEqual(
        limitsFor(c, plan.limits, plan.limitsGiven),
      );
  });
});
