// The cpu and net categories end to end, and recovery times in every report format.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ProbeResult } from "@brink/probes";
import { DEFAULT_LIMITS } from "../src/args/limits.ts";
import { planFromArgs } from "../src/commands/run.ts";
import { limitsFor } from "../src/orchestrate/run-plan.ts";
import { toJUnit } from "../src/report/junit.ts";
import { toMarkdown } from "../src/report/markdown.ts";
import { recoveryTimes, recoveryWords } from "../src/report/recovery.ts";
import { buildReport } from "../src/report/report.ts";
import { palette, summaryText } from "../src/report/terminal.ts";
import { brink, engineTest, leftovers, testDir, testRunId } from "./engine.ts";

const tmp = testDir("brink-categories-");

describe("the cpu category's own cpu fence", () => {
  test("0.25 cpus unless --cpus is given; other categories keep --cpus; disk keeps its headroom", () => {
    expect(limitsFor("cpu", DEFAULT_LIMITS, []).cpus).toBe(0.25);
    expect(limitsFor("cpu", { ...DEFAULT_LIMITS, cpus: 2 }, ["cpus"]).cpus).toBe(2);
    expect(limitsFor("cpu", { ...DEFAULT_LIMITS, cpus: 1 }, ["cpus"]).cpus).toBe(1);
    // A plan that does not say what was given (the wizard's answers): every limit counts as set.
    expect(limitsFor("cpu", DEFAULT_LIMITS).cpus).toBe(DEFAULT_LIMITS.cpus);
    expect(limitsFor("net", DEFAULT_LIMITS, []).cpus).toBe(DEFAULT_LIMITS.cpus);
    expect(limitsFor("disk", DEFAULT_LIMITS, []).memory).toBe(
      DEFAULT_LIMITS.memory + DEFAULT_LIMITS.disk,
    );
  });

  test("brink run's plan says which limits the flags set", () => {
    expect(planFromArgs(["--category", "cpu"]).limitsGiven).toEqual([]);
    expect(
      planFromArgs(["--category", "cpu", "--cpus", "2", "--nofile", "64"]).limitsGiven,
    ).toEqual(["nofile", "cpus"]);
  });

  test("--category and --probe repeat: every one counts, not the last", () => {
    const plan = planFromArgs(["--category", "fd", "--category", "cpu,fd", "--probe", "a.x"]);
    expect(plan.categories).toEqual(["fd", "cpu"]);
    expect(planFromArgs(["--probe", "a.x", "--probe", "b.y,a.x"]).probeIds).toEqual(["a.x", "b.y"]);
  });
});

const fence = { memory: 1, disk: 2, stack: 3, nofile: 4, pids: 5, cpus: 0.25 };
const result = (
  id: string,
  observed: Record<string, unknown>,
  status: ProbeResult["status"] = "pass",
): ProbeResult => ({
  id,
  category: id.split(".")[0] as ProbeResult["category"],
  title: id,
  status,
  expected: "graceful",
  durationMs: 5,
  message: "m",
  fence,
  observed,
});

describe("recovery times in every report format", () => {
  const results = [
    result("net.refused-fails-fast", { connect: { ms: 1 } }),
    result("cpu.recovery-after-burn", { recoveryMs: 106.4 }),
    result("fd.recovery-after-close", { recoveryMs: 1 }),
    result("net.recovery-after-socket-exhaustion", { recoveryMs: null }, "fail"),
    result("oom.odd", { recoveryMs: "soon" }),
  ];
  const report = buildReport({
    toolVersion: "0",
    startedAt: "t",
    durationMs: 9,
    engine: { kind: "docker", version: "v", cgroup: 1 },
    results,
    notes: [],
  });

  test("only numbers (rounded) and null (never recovered) count; in the results' order", () => {
    expect(recoveryTimes(results)).toEqual([
      { category: "cpu", id: "cpu.recovery-after-burn", recoveryMs: 106 },
      { category: "fd", id: "fd.recovery-after-close", recoveryMs: 1 },
      { category: "net", id: "net.recovery-after-socket-exhaustion", recoveryMs: null },
    ]);
    expect(recoveryWords([])).toBe("");
    expect(recoveryWords(recoveryTimes(results.slice(1, 3)))).toBe("recovered in 106 ms, 1 ms");
  });

  test("JSON: the report's recovery field", () => {
    const json = JSON.parse(JSON.stringify(report));
    expect(json.recovery).toEqual(recoveryTimes(results));
  });

  test("terminal: each category's summary line ends with its recovery", () => {
    const text = summaryText(report, palette(false));
    expect(text).toContain("  ok   cpu   1/1  recovered in 106 ms");
    expect(text).toContain("  ok   fd    1/1  recovered in 1 ms");
    expect(text).toMatch(/FAIL net +1\/2 {2}did not recover/);
    expect(text).toMatch(/oom +1\/1\n/);
  });

  test("Markdown: a recovery table by category after the results", () => {
    const md = toMarkdown(report);
    const table = md.slice(md.indexOf("| category | recovery probe | recovered in |"));
    expect(table.split("\n").slice(2, 5)).toEqual([
      "| fd | `fd.recovery-after-close` | 1 ms |",
      "| cpu | `cpu.recovery-after-burn` | 106 ms |",
      "| net | `net.recovery-after-socket-exhaustion` | did not recover |",
    ]);
    expect(toMarkdown({ ...report, results: [results[0] as ProbeResult] })).not.toContain(
      "recovery probe",
    );
  });

  test("JUnit: a recoveryMs property on the recovery probes' testcases, well-formed", () => {
    const xml = toJUnit(report);
    expect(xml).toContain(
      '<testcase classname="brink.cpu" name="cpu.recovery-after-burn" time="0.005">\n      <properties><property name="recoveryMs" value="106"/></properties>\n    </testcase>',
    );
    expect(xml).toContain('<property name="recoveryMs" value="none"/>');
    expect(xml.match(/<property /g)?.length).toBe(3);
    const parse = Bun.spawnSync(
      ["python3", "-c", "import sys, xml.dom.minidom as m; m.parseString(sys.stdin.read())"],
      {
        stdin: new TextEncoder().encode(xml),
      },
    );
    expect(parse.exitCode).toBe(0);
  });
});

/** Runs one category of the built-in suite with --json and returns the report and output. */
async function runCategory(category: string, extra: string[] = []) {
  const json = join(tmp, `${category}.json`);
  const run = testRunId(`category-${category}`);
  const r = await brink(["run", "--category", category, ...extra, "--json", json], { run });
  const report = JSON.parse(readFileSync(json, "utf8"));
  expect(await leftovers(run)).toBe(0);
  return { r, report };
}

const failing = (report: { results: ProbeResult[] }) =>
  report.results.filter((x) => x.status !== "pass").map((x) => `${x.id}: ${x.status} ${x.message}`);

engineTest(
  "brink run --category cpu: every probe passes at the category's 0.25 cpus, recovery timed",
  async () => {
    const { r, report } = await runCategory("cpu");
    expect(failing(report)).toEqual([]);
    expect(r.code).toBe(0);
    expect(report.results.length).toBeGreaterThanOrEqual(5);
    expect(report.results.every((x: ProbeResult) => x.fence.cpus === 0.25)).toBe(true);
    const recovery = report.results.find((x: ProbeResult) => x.id === "cpu.recovery-after-burn");
    expect(typeof recovery.observed.recoveryMs).toBe("number");
    expect(report.recovery).toEqual([
      { category: "cpu", id: "cpu.recovery-after-burn", recoveryMs: recovery.observed.recoveryMs },
    ]);
    expect(r.stdout).toMatch(/ok {3}cpu {3}\d+\/\d+ {2}recovered in \d+ ms/);
    // The fence bites: the quota was read back and busy threads were throttled.
    const quota = report.results.find((x: ProbeResult) => x.id === "cpu.quota-holds-and-throttles");
    expect(quota.observed.quota).toBe(0.25);
    expect(quota.observed.effectiveCpus).toBeLessThanOrEqual(0.25 * 1.25);
  },
  180_000,
);

engineTest(
  "brink run --category net: every probe passes on loopback, recovery timed",
  async () => {
    const { r, report } = await runCategory("net");
    expect(failing(report)).toEqual([]);
    expect(r.code).toBe(0);
    expect(report.results.length).toBeGreaterThanOrEqual(6);
    const recovery = report.results.find(
      (x: ProbeResult) => x.id === "net.recovery-after-socket-exhaustion",
    );
    expect(typeof recovery.observed.recoveryMs).toBe("number");
    expect(report.recovery.map((t: { id: string }) => t.id)).toEqual([recovery.id]);
    expect(r.stdout).toMatch(/ok {3}net {3}\d+\/\d+ {2}recovered in \d+ ms/);
  },
  180_000,
);

engineTest(
  "the net example suite: examples/http-client.ts against faulty peers",
  async () => {
    const { r, report } = await runCategory("net", ["--suite", "examples/net-suite.ts"]);
    expect(failing(report)).toEqual([]);
    expect(report.results.map((x: ProbeResult) => x.id).sort()).toEqual([
      "net.http-client-rejects-truncated-body",
      "net.http-client-times-out-on-blackhole",
      "net.http-client-works-through-latency",
    ]);
    expect(r.code).toBe(0);
  },
  180_000,
);
