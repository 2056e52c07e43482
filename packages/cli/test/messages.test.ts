// What brink says (issue 16): skips that exit 3, report paths checked first, a throw's stack,
// the progress bar's failure lines, exec's fence line and a program missing from the image.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NO_FENCES } from "@brink/guard";
import type { ProbeResult } from "@brink/probes";
import { DEFAULT_LIMITS } from "../src/args/limits.ts";
import { shellLine } from "../src/args/shell-quote.ts";
import { fenceLine, missingProgram, notInImage } from "../src/commands/exec-evidence.ts";
import type { ContainerExit } from "../src/engine/run-container.ts";
import { runExitCode } from "../src/orchestrate/execute-plan.ts";
import { toJUnit } from "../src/report/junit.ts";
import { toMarkdown } from "../src/report/markdown.ts";
import { barProgress, lineProgress } from "../src/report/progress.ts";
import { buildReport } from "../src/report/report.ts";
import { skipProblem } from "../src/report/skips.ts";
import { palette, summaryText } from "../src/report/terminal.ts";
import { messageWithStack, stackLines } from "../src/report/thrown.ts";
import { checkOutputs, writeReports } from "../src/report/write-reports.ts";

const result = (over: Partial<ProbeResult>): ProbeResult => ({
  id: "fd.x",
  category: "fd",
  title: "t",
  status: "pass",
  expected: "graceful",
  durationMs: 5,
  message: "ok",
  fence: { ...NO_FENCES },
  observed: {},
  ...over,
});
const unfenced = (id: string) =>
  result({
    id,
    status: "skip",
    message: "refusing to run it: no nofile fence is in force in this container",
    observed: { refused: "UNFENCED" },
  });
const report = (results: ProbeResult[]) =>
  buildReport({
    toolVersion: "0.0.0",
    startedAt: new Date(0).toISOString(),
    durationMs: 10,
    engine: { kind: "docker", version: "test", cgroup: 2 },
    results,
    notes: [],
  });

describe("skips", () => {
  test("a probe skipped because its fence did not hold: exit 3 with the reason, unless --allow-skip", () => {
    const results = [result({ id: "fd.a" }), unfenced("fd.b")];
    const said: string[] = [];
    expect(runExitCode(results, false, (s) => said.push(s))).toBe(3);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain("1 of 2 probes was skipped because its fence did not hold");
    expect(said[0]).toContain("fd.b: refusing to run it: no nofile fence is in force");
    expect(said[0]).toContain("--allow-skip");
    expect(said[0]).toContain("brink doctor");
    expect(runExitCode(results, true, (s) => said.push(s))).toBe(0);
    expect(said).toHaveLength(1);
  });

  test("every probe skipped (for any reason): exit 3", () => {
    const skipped = [result({ id: "fd.a", status: "skip", message: "no reason of the fence" })];
    expect(skipProblem(skipped)).toContain("every probe (1) was skipped");
    expect(runExitCode(skipped, false, () => {})).toBe(3);
  });

  test("a skip that is not the fence's among passes is not a problem; a failure stays exit 1", () => {
    const other = result({ id: "fd.b", status: "skip", message: "not on this platform" });
    expect(skipProblem([result({}), other])).toBeNull();
    expect(runExitCode([result({}), other], false, () => {})).toBe(0);
    const said: string[] = [];
    const failed = [result({ id: "fd.a", status: "fail" }), unfenced("fd.b"), unfenced("fd.c")];
    expect(runExitCode(failed, false, (s) => said.push(s))).toBe(1);
    expect(said[0]).toContain("2 of 3 probes were skipped because their fences did not hold");
  });

  test("the summary marks a category with skips SKIP, says why, and counts only passes as passed", () => {
    const text = summaryText(report([result({ id: "fd.a" }), unfenced("fd.b")]), palette(false));
    expect(text).toContain("  SKIP fd    1/2");
    expect(text).toContain("skip   fd.b: refusing to run it: no nofile fence is in force");
  });
});

describe("report paths", () => {
  const dir = mkdtempSync(join(tmpdir(), "brink-outputs-"));
  const file = join(dir, "a-file");
  writeFileSync(file, "x");

  test.each([
    [{ json: join(file, "brink.json") }, `--json ${join(file, "brink.json")} cannot be written`],
    [{ junit: dir }, `--junit ${dir} cannot be written (it is a directory)`],
    [
      { json: join(dir, "r.json"), markdown: join(dir, "r.json") },
      `--markdown ${join(dir, "r.json")} is also --json's file`,
    ],
  ])("%p is refused before anything runs, naming the flag and the path", (outputs, says) => {
    expect(() => checkOutputs(outputs)).toThrow(says);
  });

  test("a path in folders that do not exist yet is fine, and checking creates nothing", () => {
    checkOutputs({ json: join(dir, "new/deeper/brink.json") });
    expect(readdirSync(dir)).toEqual(["a-file"]);
  });

  test("writeReports names each report it wrote", () => {
    const out = { json: join(dir, "w/r.json"), junit: join(dir, "w/r.xml") };
    expect(writeReports(report([result({})]), out, {})).toEqual([
      `JSON: ${out.json}`,
      `JUnit: ${out.junit}`,
    ]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("a thrown error", () => {
  const thrown = result({
    id: "fd.throws",
    status: "fail",
    message: "threw TypeError: the handle was closed",
    observed: {
      thrown: "TypeError",
      stack:
        "TypeError: the handle was closed\n    at deeper (/work/suite.ts:6:26)\n    at run (/work/suite.ts:9:3)",
    },
  });

  test("its first stack frames show in the terminal, JUnit and Markdown; JSON keeps the stack", () => {
    expect(stackLines(thrown)).toEqual([
      "at deeper (/work/suite.ts:6:26)",
      "at run (/work/suite.ts:9:3)",
    ]);
    const rep = report([thrown]);
    const terminal = summaryText(rep, palette(false));
    expect(terminal).toContain("fail   fd.throws: threw TypeError: the handle was closed");
    expect(terminal).toContain("\n                at deeper (/work/suite.ts:6:26)\n");
    expect(terminal).not.toContain('"stack"');
    expect(toJUnit(rep)).toContain("the handle was closed\n  at deeper (/work/suite.ts:6:26)\n");
    expect(toMarkdown(rep)).toContain(
      "threw TypeError: the handle was closed<br>  at deeper (/work/suite.ts:6:26)<br>",
    );
    expect(JSON.parse(JSON.stringify(rep)).results[0].observed.stack).toContain("at deeper");
    expect(messageWithStack(result({ message: "plain" }))).toBe("plain");
  });
});

describe("the summary", () => {
  test("plurals: 1 error, 2 errors", () => {
    const one = summaryText(report([result({ status: "error" })]), palette(false));
    expect(one).toContain("0 passed, 0 failed, 1 error, 0 killed, 0 skipped");
    const two = summaryText(
      report([result({ status: "error" }), result({ id: "fd.y", status: "error" })]),
      palette(false),
    );
    expect(two).toContain("2 errors");
  });
});

/** A stand-in for stderr at a terminal: what was written, and a width. */
function fakeTerminal(columns = 100) {
  const writes: string[] = [];
  const out = {
    columns,
    write: (s: string) => {
      writes.push(s);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { out, writes };
}

describe("the progress bar", () => {
  test("a failure is printed above the bar as it arrives; one clock; no 'last'", () => {
    const { out, writes } = fakeTerminal();
    const bar = barProgress(3, performance.now(), palette(false), out);
    bar.containerStarting("fd");
    bar.result(result({ id: "fd.a" }));
    bar.result(
      result({ id: "fd.bad", status: "fail", message: "lost a write\nsecond line not here" }),
    );
    const screen = writes.join("");
    expect(screen).toContain("\r\u001b[2Kfail   fd.bad: lost a write\n");
    expect(screen).not.toContain("second line");
    expect(screen).not.toContain("last");
    const lastBar = (writes.at(-1) ?? "").replace("\r\u001b[2K", "");
    expect(lastBar).toMatch(/ 2\/3 probes, 1 not passing {2}\d+\.\ds$/);
    expect(lastBar.match(/\d+\.\ds/g)).toHaveLength(1);
    bar.stop(false);
    expect(writes.at(-1)).toMatch(/◆ {2}2\/3 probes, 1 not passing in \d+\.\ds\n$/);
  });

  test("one probe: '1 probe', not '1 probes'", () => {
    const { out, writes } = fakeTerminal();
    const bar = barProgress(1, performance.now(), palette(false), out);
    bar.stop(false);
    expect(writes.at(-1)).toMatch(/0\/1 probe in /);
  });

  test("the line form (CI logs) gives a failure's reason on its line", () => {
    const lines: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => {
      lines.push(s);
      return true;
    }) as unknown as typeof process.stderr.write;
    try {
      lineProgress(palette(false), performance.now()).result(
        result({ id: "fd.bad", status: "error", message: "timed out after 100 ms" }),
      );
    } finally {
      process.stderr.write = write;
    }
    expect(lines.join("")).toMatch(/error {2}fd\.bad \(5 ms\): timed out after 100 ms\n$/);
  });
});

describe("brink exec's own lines", () => {
  const exit = (over: Partial<ContainerExit>): ContainerExit => ({
    exitCode: 1,
    oomKilled: false,
    signal: null,
    durationMs: 1,
    killedBy: null,
    ...over,
  });
  const limits = { ...DEFAULT_LIMITS, nofile: 64 };

  test.each([
    [
      "an OOM kill",
      exit({ exitCode: 137, oomKilled: true }),
      "",
      "killed by the memory fence (128m): OOM",
    ],
    [
      "EMFILE",
      exit({}),
      "Error: EMFILE: too many open files, open",
      "the nofile fence (64) was reached",
    ],
    [
      "ENOSPC",
      exit({}),
      "ENOSPC: no space left on device, write",
      "the disk fence (100m at /scratch)",
    ],
    [
      "EAGAIN from posix_spawn",
      exit({}),
      "EAGAIN: resource temporarily unavailable, posix_spawn 'sleep'",
      "the pids fence (100) was reached: fork failed with EAGAIN",
    ],
    [
      "a stack overflow",
      exit({}),
      "RangeError: Maximum call stack size exceeded.",
      "the stack fence (1m)",
    ],
  ] as const)("%s: one line names the fence", (_what, e, printed, says) => {
    expect(fenceLine(e, limits, printed)).toStartWith(says);
  });

  test("no fence named without evidence, after success, or when brink ended it", () => {
    expect(fenceLine(exit({}), limits, "Error: something else")).toBeNull();
    expect(fenceLine(exit({ exitCode: 0 }), limits, "EMFILE handled")).toBeNull();
    expect(fenceLine(exit({ killedBy: "timeout" }), limits, "EMFILE")).toBeNull();
    expect(fenceLine(exit({}), limits, "read: EAGAIN (would block)")).toBeNull();
    expect(
      fenceLine(exit({ exitCode: 137, signal: "SIGKILL", killedBy: "SIGINT" }), limits, ""),
    ).toBeNull();
  });

  test("a SIGKILL brink did not send, with no OOM flag: most likely the memory fence", () => {
    expect(fenceLine(exit({ exitCode: 137, signal: "SIGKILL" }), limits, "")).toBe(
      "ended by SIGKILL (exit 137), most likely by the memory fence (128m): the engine reported no OOM kill",
    );
  });

  test("tini's 'exec failed' names the program; what to run instead", () => {
    expect(missingProgram("[FATAL tini (7)] exec node failed: No such file or directory\n")).toBe(
      "node",
    );
    expect(missingProgram("node: something\n[FATAL tini (7)] exec x failed: y")).toBeNull();
    expect(notInImage("node", ["a b.js"], shellLine)).toBe(
      "\"node\" is not a program in the probe image (it has bun, sleep and strace); Bun runs Node programs: brink exec -- bun 'a b.js'",
    );
    expect(notInImage("bunx", ["tsc"], shellLine)).toContain("brink exec -- bun x tsc");
    expect(notInImage("sh", ["-c", "x"], shellLine)).toContain("there is no shell");
  });
});
