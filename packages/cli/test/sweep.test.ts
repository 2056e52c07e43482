import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SweepReport, SweepRow } from "../src/report/sweep-report.ts";
import {
  brink,
  docker,
  engineAddress,
  engineTest,
  leftovers,
  MAIN,
  ROOT,
  readUntil,
  testDir,
  testRunId,
} from "./engine.ts";
import { relay } from "./relay.ts";

const tmp = testDir("brink-sweep-test-");
const EX = "examples/sweep";
const P = "packages/cli/test/fixtures/programs";
const SAVE = [
  "--fault",
  "write:ENOSPC",
  "--path",
  "/scratch/data.json",
  "--path",
  "/scratch/data.json.tmp",
  "--check",
  `bun ${EX}/check-json.ts`,
];

/** brink's flags, --json/--junit into `tmp`, then `-- CMD` */
function sweepArgs(name: string, args: string[]) {
  const cut = args.indexOf("--");
  return {
    json: join(tmp, `${name}.json`),
    xml: join(tmp, `${name}.xml`),
    argv: [
      "sweep",
      ...args.slice(0, cut),
      "--json",
      join(tmp, `${name}.json`),
      "--junit",
      join(tmp, `${name}.xml`),
      ...args.slice(cut),
    ],
  };
}

async function sweep(name: string, args: string[]) {
  const run = testRunId(name);
  const a = sweepArgs(name, args);
  const r = await brink(a.argv, { run });
  const report = JSON.parse(readFileSync(a.json, "utf8")) as SweepReport;
  return { ...r, run, report, xml: readFileSync(a.xml, "utf8") };
}

const ns = (rows: SweepRow[]) => rows.map((r) => r.n);
const outcomes = (rows: SweepRow[]) => new Set(rows.map((r) => r.outcome));

engineTest(
  "sweep write:ENOSPC: finds the N where an in-place save corrupts the file; none for temp+rename",
  async () => {
    const [inplace, atomic] = await Promise.all([
      sweep("inplace", [...SAVE, "--", "bun", `${EX}/save-inplace.ts`]),
      sweep("atomic", [...SAVE, "--", "bun", `${EX}/save-atomic.ts`]),
    ]);
    expect(inplace.code).toBe(1);
    const rows = inplace.report.results;
    expect(rows.length).toBeGreaterThan(5);
    expect(ns(rows)).toEqual(rows.map((_, i) => i + 1));
    // the real count, from a run with no fault: every call was failed once
    expect(inplace.report.calls["write:ENOSPC"]).toBe(rows.length);
    expect(inplace.report.sweeps["write:ENOSPC"]?.coverage?.never).toEqual([]);
    expect(inplace.report.firstBreak["write:ENOSPC"]).toBe(
      rows.find((r) => r.outcome === "corrupted")?.n ?? -1,
    );
    expect(rows[0]?.injected?.call).toContain("write(");
    expect(rows[0]?.injected?.call).toContain("/scratch/data.json");
    expect(inplace.xml).toContain('<failure message="corrupted"');

    expect(atomic.code).toBe(0);
    expect(atomic.report.firstBreak["write:ENOSPC"]).toBeNull();
    expect(atomic.report.results.length).toBe(rows.length);
    expect(outcomes(atomic.report.results)).toEqual(new Set(["reported"]));
    expect((await leftovers(inplace.run)) + (await leftovers(atomic.run))).toBe(0);
  },
  180_000,
);

engineTest(
  "sweep openat:EMFILE tells a program that retries from one that crashes",
  async () => {
    const args = ["--fault", "openat:EMFILE", "--path", `/work/${EX}/config.json`];
    const [retry, crash] = await Promise.all([
      sweep("retry", [...args, "--", "bun", `${EX}/open-retry.ts`]),
      sweep("crash", [...args, "--", "bun", `${EX}/open-crash.ts`]),
    ]);
    expect(retry.code).toBe(0);
    expect(retry.report.results.length).toBeGreaterThan(0);
    expect(outcomes(retry.report.results)).toEqual(new Set(["handled"]));
    expect(crash.code).toBe(1);
    expect(crash.report.results[0]).toMatchObject({ n: 1, outcome: "crashed", signal: "SIGABRT" });
    expect((await leftovers(retry.run)) + (await leftovers(crash.run))).toBe(0);
  },
  120_000,
);

engineTest(
  "disk:full finds the budget where a temp+rename save that ignores writeSync's count renames a cut file over the good one; none when it checks the count",
  async () => {
    const args = (mode: string) => [
      "--fault",
      "disk:full",
      "--disk",
      "1m",
      "--path",
      "/scratch/data.json.tmp",
      "--check",
      `bun ${P}/check-data.ts --no-temp`,
      "--",
      "bun",
      `${P}/save-short-write.ts`,
      mode,
    ];
    const ignore = await sweep("disk-ignore", args("ignore"));
    expect(ignore.code).toBe(1);
    const rows = ignore.report.results;
    const s = ignore.report.sweeps["disk:full"];
    expect(s).toMatchObject({ baseline: "handled", end: "complete" });
    expect(s?.bytes).toBeGreaterThan(20_000);
    // keyed by the bytes left free, a page apart, each measured on /scratch before the run
    expect(ns(rows)).toEqual(rows.map((_, i) => i * 4096));
    expect(rows.every((r) => r.free === r.n)).toBe(true);
    const broke = rows.find((r) => r.outcome === "corrupted");
    expect(ignore.report.firstBreak["disk:full"]).toBe(broke?.n ?? -1);
    // the evidence is a short write: it wrote less than it asked, and nothing threw
    const short = /, (\d+)\) = (\d+)$/.exec(broke?.injected?.call ?? "");
    expect(Number(short?.[2])).toBeLessThan(Number(short?.[1]));
    expect(broke?.exitCode).toBe(0);
    expect(broke?.check?.exitCode).toBe(1);
    expect(ignore.xml).toContain(`name="free=${broke?.n}"`);

    const checked = await sweep("disk-checked", args("checked"));
    expect(checked.code).toBe(0);
    expect(checked.report.firstBreak["disk:full"]).toBeNull();
    expect(ns(checked.report.results)).toEqual(ns(rows));
    expect(outcomes(checked.report.results)).toEqual(new Set(["reported"]));
    expect((await leftovers(ignore.run)) + (await leftovers(checked.run))).toBe(0);
  },
  120_000,
);

engineTest(
  "crash points (write:KILL): an in-place writer is corrupted, a temp+fsync+rename writer never",
  async () => {
    const args = (mode: string) => [
      "--fault",
      "write:KILL",
      "--path",
      "/scratch/data.json",
      "--path",
      "/scratch/data.json.tmp",
      "--check",
      `bun ${P}/check-data.ts`,
      "--",
      "bun",
      `${P}/save-crash.ts`,
      mode,
    ];
    const [inplace, atomic] = await Promise.all([
      sweep("kill-inplace", args("inplace")),
      sweep("kill-atomic", args("atomic")),
    ]);
    for (const r of [inplace, atomic]) {
      expect(ns(r.report.results)).toEqual([1, 2, 3, 4]);
      expect(r.report.calls["write:KILL"]).toBe(4);
      expect(r.report.sweeps["write:KILL"]?.coverage?.never).toEqual([]);
      // killed on entering the Nth write: that write never ran, one per run
      for (const row of r.report.results) {
        expect(row).toMatchObject({ signal: "SIGKILL", injectedCount: 1 });
        expect(row.injections?.[0]?.at).toBe(row.n);
        expect(row.injected?.call).toMatch(/^write\(5<\/scratch\/data\.json(\.tmp)?>, .*\) = \?$/);
      }
    }
    expect(inplace.code).toBe(1);
    expect(outcomes(inplace.report.results)).toEqual(new Set(["corrupted"]));
    expect(atomic.code).toBe(0);
    expect(outcomes(atomic.report.results)).toEqual(new Set(["handled"]));
    expect((await leftovers(inplace.run)) + (await leftovers(atomic.run))).toBe(0);
  },
  120_000,
);

engineTest(
  "a program doing async fs on Bun's thread pool: every run a row, every failed call listed, coverage exact",
  async () => {
    const r = await sweep("threads", [
      "--fault",
      "read:EIO",
      "--path",
      "/scratch/t.txt",
      "--",
      "bun",
      `${P}/read-threads.ts`,
    ]);
    expect(r.code).toBe(0);
    const rows = r.report.results;
    const s = r.report.sweeps["read:EIO"];
    expect(s?.end).toBe("complete");
    expect(s?.threads).toBeGreaterThan(1);
    // no row missing: N = 1.. until a run had no read left to fail
    expect(ns(rows)).toEqual(rows.map((_, i) => i + 1));
    for (const row of rows) {
      // every call the run failed is listed, and each is one failed readFile the program saw
      expect(row.injections?.length).toBe(row.injectedCount ?? -1);
      expect(row.stderr.match(/failed read \d+: EIO/g)?.length).toBe(row.injectedCount ?? -1);
      expect(new Set(row.injections?.map((i) => i.at)).size).toBe(row.injectedCount ?? -1);
    }
    // coverage: call numbers failed at least once and never partition 1..calls; runs that
    // failed more than one call are named
    const calls = r.report.calls["read:EIO"] ?? 0;
    const failed = new Set(rows.flatMap((row) => row.injections?.map((i) => i.at) ?? []));
    expect(s?.coverage?.failed).toEqual([...failed].sort((a, b) => a - b));
    const all = [...(s?.coverage?.never ?? []), ...failed].filter((at) => at <= calls);
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: calls }, (_, i) => i + 1));
    const multiple = rows.filter((row) => (row.injectedCount ?? 0) > 1).map((row) => row.n);
    expect(multiple.length).toBeGreaterThan(0);
    expect(s?.coverage?.multiple).toEqual(multiple);
    expect(r.stdout).toContain(`runs that failed more than one call`);
    expect(r.stdout).toMatch(/\(\+\d+ more\)/);
    if (s?.coverage?.never.length) expect(r.stdout).toContain("call numbers failed in no run:");
    expect(await leftovers(r.run)).toBe(0);
  },
  120_000,
);

engineTest(
  "--timeout ends every step: a program that never exits and one that retries ENOSPC forever give hung rows, and the sweep ends in time",
  async () => {
    const t = ["--timeout", "2s", "--concurrency", "2"];
    const [forever, retry] = await Promise.all([
      sweep("hung-forever", [
        "--fault",
        "write:ENOSPC",
        "--path",
        "/scratch/h.txt",
        ...t,
        "--",
        "bun",
        `${P}/hang.ts`,
        "forever",
      ]),
      sweep("hung-retry", [
        "--fault",
        "disk:full",
        "--disk",
        "1m",
        "--path",
        "/scratch/r.txt",
        ...t,
        "--",
        "bun",
        `${P}/hang.ts`,
        "retry",
      ]),
    ]);
    expect(ns(forever.report.results)).toEqual([1, 2]);
    expect(forever.report.sweeps["write:ENOSPC"]?.baseline).toBe("hung");
    expect(ns(retry.report.results)).toEqual([0, 4096, 8192]);
    for (const r of [forever, retry]) {
      expect(r.code).toBe(1);
      expect(outcomes(r.report.results)).toEqual(new Set(["hung"]));
      expect(r.report.results[0]?.evidence).toContain("--timeout 2s");
      // rows, the run with no fault and the run that ended the sweep, 2 s each, 2 at a time
      const runs = r.report.results.length + 2;
      expect(r.report.durationMs).toBeLessThan((2000 * runs) / 2 + 15_000);
      expect(await leftovers(r.run)).toBe(0);
    }
  },
  120_000,
);

engineTest(
  "a step killed from outside is a died row and the rest complete; an interrupted sweep and one that lost its engine write their finished rows",
  async () => {
    if (!docker || !engineAddress?.startsWith("/"))
      throw new Error(`this test needs a local engine socket; the engine is at ${engineAddress}`);
    const engine = docker;
    const proxy = relay(join(tmp, "engine.sock"), engineAddress);
    await proxy.listening;
    const args = ["--fault", "write:ENOSPC", "--path", "/scratch/s.txt"];
    const slow = ["--", "bun", `${P}/hang.ts`, "slow"];
    const start = (name: string, env: Record<string, string> = {}, extra: string[] = []) => {
      const run = testRunId(name);
      const a = sweepArgs(name, [...args, ...extra, ...slow]);
      const p = Bun.spawn(["bun", MAIN, ...a.argv], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1", BRINK_RUN_ID: run, ...env },
        stdout: "pipe",
        stderr: "pipe",
      });
      return { run, p, ...a };
    };
    const killed = start("sweep-died");
    const stopped = start("sweep-stopped");
    // One step at a time: when row 1 is in, steps 2 and 3 still need the engine.
    const lost = start("sweep-lost", { DOCKER_HOST: `unix://${join(tmp, "engine.sock")}` }, [
      "--concurrency",
      "1",
    ]);
    const killStep2 = async () => {
      const label = [`dev.brink.run=${killed.run}`, "dev.brink.sweep.n=2"];
      for (const end = Date.now() + 60_000; Date.now() < end; await Bun.sleep(50)) {
        const [c] = await engine.listContainers({ filters: { label, status: ["running"] } });
        if (c) return engine.getContainer(c.Id).kill();
      }
    };
    const afterRow1 = async (p: typeof stopped.p, then: () => void) => {
      const seen = await readUntil(p.stderr, (t) => /write:ENOSPC +1 /.test(t));
      then();
      return seen.rest();
    };
    const [, , lostErr, died, interrupted, lostCode, stdout, lostOut] = await Promise.all([
      killStep2(),
      afterRow1(stopped.p, () => stopped.p.kill("SIGINT")),
      afterRow1(lost.p, () => proxy.stop()),
      killed.p.exited,
      stopped.p.exited,
      lost.p.exited,
      new Response(stopped.p.stdout).text(),
      new Response(lost.p.stdout).text(),
    ]);

    const k = JSON.parse(readFileSync(killed.json, "utf8")) as SweepReport;
    expect(died).toBe(1);
    // On a mismatch the diff shows how the sweep ended (seen once in CI: rows 1 and 2 only).
    expect({ n: ns(k.results), sweep: k.sweeps }).toMatchObject({ n: [1, 2, 3] });
    expect(k.results[1]).toMatchObject({ outcome: "died", exitCode: 137 });
    expect(k.results[1]?.evidence).toContain("no answer from the driver");
    expect(k.results[0]?.outcome).toBe("reported");
    expect(k.results[2]?.outcome).toBe("reported");
    expect(k.summary.died).toBe(1);
    expect(readFileSync(killed.xml, "utf8")).toContain('<error message="died"');

    expect(interrupted).toBe(130);
    const s = JSON.parse(readFileSync(stopped.json, "utf8")) as SweepReport;
    expect(s.incomplete).toBe("interrupted by SIGINT");
    expect(s.results[0]).toMatchObject({ n: 1, outcome: "reported" });
    expect(s.sweeps["write:ENOSPC"]?.end).toBe("stopped");
    expect(readFileSync(stopped.xml, "utf8")).toContain('name="N=1"');
    expect(stdout).toContain("missing:");
    expect(stdout).toMatch(/write:ENOSPC: stopped: .*not run/);
    expect((await leftovers(killed.run)) + (await leftovers(stopped.run))).toBe(0);

    expect(lostCode).toBe(3);
    expect(lostErr).toContain("lost the engine");
    expect(lostErr).not.toMatch(/\n\s+at /);
    const l = JSON.parse(readFileSync(lost.json, "utf8")) as SweepReport;
    expect(l.incomplete).toContain("lost the engine");
    expect(l.results[0]).toMatchObject({ n: 1, outcome: "reported" });
    expect(lostOut).toContain("missing:");
  },
  120_000,
);

test.each([
  [["sweep", "--fault", "write:ENOPE", "--", "true"], '--fault "write:ENOPE"'],
  [["sweep", "--fault", "ioctl:EIO", "--", "true"], '--fault "ioctl:EIO"'],
  [["sweep", "--fault", "disk:empty", "--", "true"], '--fault "disk:empty"'],
  [["sweep", "--fault", "write:KILL,write:KILL", "--", "true"], "names write:KILL twice"],
  [["sweep", "--fault", "write:EIO", "--step", "8k", "--", "true"], "--step is the budget step"],
  [["sweep", "--", "true"], "needs --fault"],
  [["sweep", "--fault", "write:ENOSPC", "--check", 'bun "open', "--", "true"], "--check"],
  [["sweep", "--fault", "write:ENOSPC", "--check", " ", "--", "true"], "is empty"],
  [["sweep", "--fault", "write:ENOSPC"], "needs a command after --"],
  [["sweep", "--fault", "write:ENOSPC", "--path", "data.json", "--", "true"], "must be absolute"],
])("sweep bad input %p: exit 2, one line", async (args, says) => {
  const r = await brink(args as string[]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(says as string);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

engineTest("a sweep whose --path no run writes swept nothing: it says so and exits 3", async () => {
  // The atomic saver writes data.json.tmp and renames it: data.json itself is never written.
  const r = await sweep("sweep-nothing", [
    ...["--fault", "write:EIO", "--path", "/scratch/data.json"],
    ...["--", "bun", `${P}/save-crash.ts`, "atomic"],
  ]);
  expect(r.code).toBe(3);
  expect(r.stderr).toContain("nothing was swept");
  expect(r.report.results).toEqual([]);
  expect(r.report.sweeps["write:EIO"]?.note).toContain("the temporary file");
  expect(await leftovers(r.run)).toBe(0);
});
