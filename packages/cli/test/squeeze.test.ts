import { expect } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SqueezeReport, SqueezeTry } from "../src/report/squeeze-report.ts";
import { brink, engineTest, leftovers, MAIN, ROOT, testDir, testRunId } from "./engine.ts";

const tmp = testDir("brink-squeeze-test-");
const MiB = 2 ** 20;
const PROGRAMS = "packages/cli/test/fixtures/programs";
let reports = 0;

/** Runs `brink squeeze` (flags, then `--` and the command) with every report; returns them parsed. */
async function squeeze(flags: string[], command: string[], options: { project?: string } = {}) {
  const out = join(tmp, `r${++reports}`);
  const run = testRunId(`squeeze-${reports}`);
  const project = options.project ? ["--project", options.project] : [];
  const r = await brink(
    [
      "squeeze",
      ...project,
      ...flags,
      "--json",
      `${out}.json`,
      "--junit",
      `${out}.xml`,
      "--markdown",
      `${out}.md`,
      "--",
      ...command,
    ],
    { run },
  );
  if (r.code !== 0 && r.code !== 1) throw new Error(`brink squeeze exited ${r.code}: ${r.stderr}`);
  return {
    ...r,
    run,
    report: JSON.parse(readFileSync(`${out}.json`, "utf8")) as SqueezeReport,
    xml: readFileSync(`${out}.xml`, "utf8"),
    md: readFileSync(`${out}.md`, "utf8"),
  };
}

const tried = (tries: SqueezeTry[], value: number) => tries.filter((t) => t.value === value);

engineTest(
  "memory: a program holding 64 MiB needs 64 MiB plus Bun's own (measured first), and is OOM-killed below; one that fails at the top says so",
  async () => {
    // Bun's own baseline: the peak memory of the same program holding nothing.
    const peak = await brink(["exec", "--", "bun", `${PROGRAMS}/squeeze-hold.ts`, "0", "--peak"]);
    const bun = Number(peak.stdout.trim());
    expect(bun).toBeGreaterThan(MiB);
    expect(bun).toBeLessThan(64 * MiB);

    const r = await squeeze(
      ["--fence", "memory,disk", "--range", "memory=32m..256m"],
      ["bun", `${PROGRAMS}/squeeze-hold.ts`, "64"],
    );
    // It writes nothing: the disk fence does not limit it anywhere in its range.
    expect(r.report.fences.disk).toMatchObject({ limiting: false, threshold: null, below: null });
    expect(r.report.fences.disk?.summary).toContain("not limiting within 1m..1g");
    const m = r.report.fences.memory;
    if (!m) throw new Error("no memory fence in the report");
    const want = 64 * MiB + bun;
    expect(Math.abs((m.threshold as number) - want)).toBeLessThanOrEqual(want / 10);
    expect(m.limiting).toBe(true);
    expect(m.below).toMatchObject({ outcome: "oom-killed", exitCode: 137, oomKilled: true });
    expect((m.threshold as number) - (m.below?.value as number)).toBeLessThanOrEqual(MiB);
    expect(m.graceful).toBe(false);
    expect(m.recommended).toBeGreaterThanOrEqual((m.threshold as number) * 1.25);
    // Both sides of the cliff were tried as often as --repeat (2) says, and every try is there.
    expect(tried(m.tries, m.threshold as number).every((t) => t.outcome === "pass")).toBe(true);
    expect(tried(m.tries, m.threshold as number).length).toBeGreaterThanOrEqual(2);
    expect(tried(m.tries, m.below?.value as number).length).toBeGreaterThanOrEqual(2);
    expect(r.report.runs).toBe(m.tries.length + (r.report.fences.disk?.tries.length ?? 0));
    expect(m.tries.every((t) => t.durationMs > 0 && typeof t.exitCode === "number")).toBe(true);
    expect(r.code).toBe(1); // an OOM kill below the cliff is not graceful
    expect(r.xml).toContain('<failure message="oom-killed below the cliff" type="oom-killed">');
    expect(r.md).toContain("| memory |");
    expect(r.stdout).toMatch(
      /memory: needs \d+m; just below, at \d+m: oom-killed \(not graceful\)/,
    );
    expect(r.stdout).toContain("├");

    const high = await squeeze(
      ["--fence", "memory", "--range", "memory=8m..32m", "--repeat", "1"],
      ["bun", `${PROGRAMS}/squeeze-hold.ts`, "64"],
    );
    expect(high.code).toBe(1);
    expect(high.report.fences.memory).toMatchObject({ threshold: null, limiting: true });
    expect(high.report.fences.memory?.summary).toContain("fails even at 32m");
    for (const x of [r, high]) expect(await leftovers(x.run)).toBe(0);
  },
  180_000,
);

engineTest(
  "nofile and disk at once: K files need K plus Bun's descriptors exactly (EMFILE below), Y MiB need Y MiB; graceful with --check, corrupted without care",
  async () => {
    // The descriptor a new open gets in Bun's start is how many Bun holds.
    const probe = await brink(["exec", "--", "bun", `${PROGRAMS}/squeeze-files.ts`, "--probe"]);
    const held = Number(probe.stdout.trim());
    expect(held).toBeGreaterThanOrEqual(3);

    const files = [
      "bun",
      `${PROGRAMS}/squeeze-files.ts`,
      "--open",
      "40",
      "--write",
      "20",
      "--graceful",
    ];
    const check = ["--check", `bun ${PROGRAMS}/squeeze-check.ts 20`];
    const ok = await squeeze(
      ["--fence", "nofile,disk", "--range", "nofile=12..128", "--range", "disk=1m..64m", ...check],
      files,
    );
    const { nofile, disk } = ok.report.fences;
    if (!nofile || !disk) throw new Error("a fence is missing from the report");
    // 40 files, then the data file: 41 descriptors above Bun's own.
    expect(nofile.threshold).toBe(held + 41);
    expect(nofile.below).toMatchObject({ value: held + 40, outcome: "error-exit", exitCode: 1 });
    expect(nofile.below?.stderr).toContain("EMFILE");
    expect(Math.abs((disk.threshold as number) - 20 * MiB)).toBeLessThanOrEqual(MiB);
    expect(disk.below).toMatchObject({ outcome: "error-exit", exitCode: 1 });
    expect(disk.below?.stderr).toContain("disk full");
    expect(disk.tries.every((t) => t.check !== null)).toBe(true);
    expect([nofile.graceful, disk.graceful]).toEqual([true, true]);
    expect(ok.code).toBe(0);
    expect(ok.xml).toContain('failures="0"');

    // The same write without care: ENOSPC leaves half a file behind, and the check sees it.
    const bad = await squeeze(
      ["--fence", "disk", "--range", "disk=1m..64m", ...check],
      ["bun", `${PROGRAMS}/squeeze-files.ts`, "--write", "20"],
    );
    expect(bad.report.fences.disk?.threshold).toBe(disk.threshold);
    expect(bad.report.fences.disk?.below).toMatchObject({ outcome: "corrupted", exitCode: 1 });
    expect(bad.code).toBe(1);
    expect(bad.xml).toContain('type="corrupted"');
    for (const x of [ok, bad]) expect(await leftovers(x.run)).toBe(0);
  },
  180_000,
);

engineTest(
  "--repeat: a program that fails every second run near its cliff gets a lucky number with --repeat 1 and is called flaky with 2",
  async () => {
    // It counts its runs per nofile value in /work/.runs: a writable copy of a tiny project.
    const project = mkdtempSync(join(tmp, "flaky-"));
    copyFileSync(join(ROOT, PROGRAMS, "squeeze-files.ts"), join(project, "squeeze-files.ts"));
    const flags = ["--writable-project", "--fence", "nofile", "--range", "nofile=24..64"];
    const cmd = ["bun", "squeeze-files.ts", "--open", "20", "--flaky", "10"];
    const once = await squeeze([...flags, "--repeat", "1"], cmd, { project });
    const twice = await squeeze([...flags, "--repeat", "2"], cmd, { project });
    const a = once.report.fences.nofile;
    const b = twice.report.fences.nofile;
    if (!a || !b) throw new Error("no nofile fence in a report");
    const held = (a.threshold as number) - 20; // the lucky number is the first run's need
    expect(a.flaky).toBe(false);
    expect(b.threshold).toBe(held + 30); // every run's need
    expect(b.flaky).toBe(true);
    expect(b.summary).toContain("flaky");
    const mixed = b.tries.filter(
      (t) =>
        t.outcome === "pass" && b.tries.some((u) => u.value === t.value && u.outcome !== "pass"),
    );
    expect(mixed.length).toBeGreaterThan(0);
    for (const x of [once, twice]) expect(await leftovers(x.run)).toBe(0);
  },
  180_000,
);

engineTest(
  "SIGINT mid-squeeze: exit 130, the tries so far in the reports, no container left",
  async () => {
    const run = testRunId("squeeze-int");
    const json = join(tmp, "int.json");
    const p = Bun.spawn(
      [
        "bun",
        MAIN,
        "squeeze",
        "--fence",
        "memory",
        "--range",
        "memory=8m..256m",
        "--json",
        json,
        "--",
        "bun",
        "-e",
        "new Uint8Array(16 * 2 ** 20).fill(1); await Bun.sleep(1500)",
      ],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1", BRINK_RUN_ID: run },
        stderr: "pipe",
        stdout: "ignore",
      },
    );
    let seen = "";
    const dec = new TextDecoder();
    const reading = (async () => {
      for await (const chunk of p.stderr) seen += dec.decode(chunk, { stream: true });
    })();
    // The bottom of the range ends at once (16 MiB do not fit in 8m); the top sleeps.
    while (!/memory +8m +(oom|error|signal)/.test(seen) && p.exitCode === null) await Bun.sleep(20);
    p.kill("SIGINT");
    expect(await p.exited).toBe(130);
    await reading;
    const report = JSON.parse(readFileSync(json, "utf8")) as SqueezeReport;
    expect(report.incomplete).toContain("SIGINT");
    expect(report.fences.memory?.tries.length).toBeGreaterThanOrEqual(1);
    expect(report.fences.memory?.threshold).toBeNull();
    expect(await leftovers(run)).toBe(0);
  },
);
