import { expect, test } from "bun:test";
import type { ProbeResult } from "@brink/probes";
import { resultOfDeath } from "../src/orchestrate/result-of-death.ts";
import { toJUnit, xmlEscape } from "../src/report/junit.ts";
import { toMarkdown } from "../src/report/markdown.ts";
import { buildReport, exitCodeOf } from "../src/report/report.ts";
import { classify } from "../src/report/sweep-report.ts";

const fence = { memory: 1, disk: 2, stack: 3, nofile: 4, pids: 5, cpus: 1 };
const r = (id: string, status: ProbeResult["status"], message = "m"): ProbeResult => ({
  id,
  category: id.split(".")[0] as ProbeResult["category"],
  title: id,
  status,
  expected: "graceful",
  durationMs: 5,
  message,
  fence,
  observed: { saw: `<${id}> & "q"` },
});
const report = (results: ProbeResult[]) =>
  buildReport({
    toolVersion: "0",
    startedAt: "t",
    durationMs: 9,
    engine: { kind: "docker", version: "v", cgroup: 2 },
    results,
    notes: [],
  });

test("summary and exit code follow the statuses", () => {
  const rep = report([
    r("fd.a", "pass"),
    r("fd.b", "skip"),
    r("oom.c", "fail"),
    r("oom.d", "killed"),
    r("fd.e", "error"),
  ]);
  expect(rep.summary).toEqual({ total: 5, pass: 1, fail: 1, error: 1, skip: 1, killed: 1 });
  expect(exitCodeOf([r("fd.a", "pass"), r("fd.b", "skip")])).toBe(0);
  for (const bad of ["fail", "error", "killed"] as const)
    expect(exitCodeOf([r("fd.a", bad)])).toBe(1);
});

test("JUnit: a testsuite per category, failures and errors in place, text escaped", () => {
  const xml = toJUnit(
    report([
      r("fd.a", "pass"),
      r("fd.b", "fail", 'bad <"x">'),
      r("oom.c", "killed"),
      r("oom.d", "skip"),
    ]),
  );
  expect(xml.match(/<testsuite /g)?.length).toBe(2);
  expect(xml).toContain('<testsuite name="fd" tests="2" failures="1" errors="0" skipped="0"');
  expect(xml).toContain('<testsuite name="oom" tests="2" failures="0" errors="1" skipped="1"');
  expect(xml).toContain('<failure message="bad &lt;&quot;x&quot;&gt;" type="fail">');
  expect(xml).toContain('<error message="m" type="killed">');
  expect(xml).toContain("&lt;fd.b&gt; &amp;");
  expect(xmlEscape("a\u0000b\u001bc")).toBe("a\\x00b\\x1bc");
});

test("Markdown: a row per probe, pipes escaped", () => {
  const md = toMarkdown(report([r("fd.a", "pass", "x | y")]));
  expect(md).toContain("| ✅ pass | `fd.a` | fd | 5 ms | x \\| y |");
});

test("a container's death: expected OOM kill passes, an unexpected death is killed, a hang is error", () => {
  const probe = {
    id: "oom.k",
    category: "oom" as const,
    title: "k",
    expected: "killed" as const,
    timeoutMs: 1,
  };
  const oom = { exitCode: 137, oomKilled: true, signal: "SIGKILL", durationMs: 1, killedBy: null };
  expect(resultOfDeath(probe, oom, fence, "", 3).status).toBe("pass");
  expect(resultOfDeath(probe, { ...oom, oomKilled: false }, fence, "", 3).status).toBe("fail");
  const graceful = { ...probe, expected: "graceful" as const };
  expect(resultOfDeath(graceful, oom, fence, "", 3)).toMatchObject({
    status: "killed",
    message: "its container was OOM-killed",
  });
  expect(resultOfDeath(graceful, { ...oom, killedBy: "hung: x" }, fence, "", 3).status).toBe(
    "error",
  );
  expect(
    resultOfDeath(
      graceful,
      { ...oom, exitCode: 0, oomKilled: false, signal: null },
      fence,
      "err",
      3,
    ).message,
  ).toContain("exited 0 mid-probe");
});

test("sweep outcomes are classified from what was observed", () => {
  const base = { timedOut: false, exitCode: 0, signal: null, check: { exitCode: 0 } };
  expect(classify(base)).toBe("handled");
  expect(classify({ ...base, exitCode: 1 })).toBe("reported");
  expect(classify({ ...base, exitCode: 1, check: { exitCode: 1 } })).toBe("corrupted");
  expect(classify({ ...base, exitCode: 134, signal: "SIGABRT" })).toBe("crashed");
  // An exit code above 128 with no signal is a code the program chose (exit(200), exit(255)).
  expect(classify({ ...base, exitCode: 200 })).toBe("reported");
  expect(classify({ ...base, exitCode: 255, check: { exitCode: 1 } })).toBe("corrupted");
  expect(classify({ ...base, timedOut: true })).toBe("hung");
  expect(classify({ ...base, check: null })).toBe("handled");
});
