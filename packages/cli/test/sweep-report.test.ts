import { expect, test } from "bun:test";
import { openChannel } from "@brink/probes/host";
import { rowOf } from "../src/orchestrate/sweep-rows.ts";
import { type Step, stepReader, validStep } from "../src/orchestrate/sweep-step.ts";
import {
  buildSweepReport,
  type FaultSweep,
  notStarted,
  type SweepRow,
  sweepJUnit,
  sweepTable,
} from "../src/report/sweep-report.ts";
import { ranges } from "../src/report/sweep-table.ts";

const STEP = {
  event: "step",
  fault: "write:KILL",
  n: 3,
  baseline: false,
  exitCode: null,
  signal: "SIGKILL",
  timedOut: false,
  stderr: "",
  calls: 4,
  threads: 1,
  injections: [{ at: 3, call: 'write(5</scratch/data.json>, "x", 1) = ?' }],
  injectedCount: 1,
  free: null,
  written: null,
  short: null,
  check: { exitCode: 0, signal: null, timedOut: false, stdout: "ok\n", stderr: "" },
};

test("validStep checks every field of a step event and keeps only the known ones", () => {
  const ok = validStep({ ...STEP, extra: "dropped" }) as Step & { extra?: unknown };
  expect(ok).not.toBeNull();
  expect(ok.extra).toBeUndefined();
  const bad: Record<string, unknown>[] = [
    { n: -1 },
    { n: 1.5 },
    { baseline: "no" },
    { signal: "KILL" },
    { signal: "SIGKILL; rm -rf" },
    { calls: "4" },
    { threads: null },
    { injections: [{ at: 0, call: "x" }] },
    { injections: [{ at: 1 }] },
    { injections: Array.from({ length: 101 }, (_, i) => ({ at: i + 1, call: "x" })) },
    { injectedCount: 0 },
    { free: -4096 },
    { written: 1.5 },
    { short: 5 },
    { check: { exitCode: 0, signal: null, stdout: "", stderr: "" } },
    { check: { ...STEP.check, stdout: "x".repeat(100_001) } },
    { stderr: undefined },
    { event: "result" },
  ];
  for (const b of bad) expect(validStep({ ...STEP, ...b })).toBeNull();
});

test("stepReader believes only the signed event of the step it was started for", () => {
  const lines: string[] = [];
  const channel = openChannel((l) => lines.push(...l.split("\n")));
  const reader = stepReader({ fault: "write:KILL", n: 3, baseline: false });
  lines.push(JSON.stringify(STEP)); // unsigned: what a program prints
  channel.send({ ...STEP, n: 4 }); // another step's
  channel.send({ ...STEP, baseline: true }); // the run with no fault
  channel.send({ ...STEP, fault: "write:EIO" });
  for (const l of lines) reader.line(l);
  expect(reader.step).toBeNull();
  channel.send(STEP);
  for (const l of lines.splice(0)) reader.line(l);
  expect(reader.step?.n).toBe(3);
});

test("rows: a crash point's own SIGKILL is no crash, the check decides; died and hung rows carry evidence", () => {
  const step = validStep(STEP) as Step;
  const r = (s: Partial<Step>, fault = "write:KILL") =>
    rowOf(fault, 3, { kind: "step", step: { ...step, ...s }, durationMs: 5 }, 2000);
  expect(r({}).outcome).toBe("handled");
  expect(
    r({ check: { exitCode: 1, signal: null, timedOut: false, stdout: "", stderr: "" } }).outcome,
  ).toBe("corrupted");
  expect(r({ injectedCount: 0, injections: [] }).outcome).toBe("crashed");
  expect(r({}, "write:EIO").outcome).toBe("crashed");
  const hung = r({ timedOut: true });
  expect(hung.outcome).toBe("hung");
  expect(hung.evidence).toContain("--timeout 2s");
  const died = rowOf(
    "write:EIO",
    7,
    { kind: "died", exitCode: 137, signal: "SIGKILL", oomKilled: false, stderr: "", durationMs: 9 },
    2000,
  );
  expect(died).toMatchObject({ outcome: "died", exitCode: 137, injected: null });
  expect(died.evidence).toContain("exit 137 (SIGKILL)");
  const deadline = rowOf(
    "write:EIO",
    8,
    { kind: "hung", deadlineMs: 24_000, stderr: "", durationMs: 24_000 },
    2000,
  );
  expect(deadline.evidence).toContain("brink killed its container");
});

const row = (n: number, over: Partial<SweepRow> = {}): SweepRow => ({
  fault: "read:EIO",
  n,
  outcome: "handled",
  exitCode: 0,
  signal: null,
  injected: { syscall: "read", call: `read(5</scratch/t.txt>, "", 9) = -1 EIO (INJECTED)` },
  injections: [{ at: n, call: "read(...)" }],
  injectedCount: 1,
  check: null,
  stderr: "",
  durationMs: 1,
  ...over,
});

test("the report says what each fault covered and what is missing", () => {
  const sweeps: Record<string, FaultSweep> = {
    "read:EIO": { ...notStarted(), calls: 6, threads: 3, baseline: "handled", end: "complete" },
    "write:KILL": { ...notStarted(), calls: 9, end: "stopped", next: 4, notRun: [2] },
    "disk:full": notStarted(),
  };
  const rows = [
    row(1, { injections: [1, 4].map((at) => ({ at, call: "read(...)" })), injectedCount: 2 }),
    row(2),
    row(3, { outcome: "died", injected: null, injections: [], injectedCount: 0 }),
    row(1, { fault: "write:KILL", outcome: "corrupted" }),
    row(3, { fault: "write:KILL" }),
  ];
  const rep = buildSweepReport({
    command: ["bun", "x.ts"],
    faults: ["read:EIO", "write:KILL", "disk:full"],
    startedAt: "t",
    durationMs: 1,
    results: rows,
    sweeps,
    incomplete: "interrupted by SIGINT",
  });
  expect(rep.sweeps["read:EIO"]?.coverage).toEqual({
    failed: [1, 2, 4],
    never: [3, 5, 6],
    multiple: [1],
  });
  expect(rep.sweeps["read:EIO"]?.runs).toBe(3);
  expect(rep.calls).toEqual({ "read:EIO": 6, "write:KILL": 9, "disk:full": 0 });
  expect(rep.summary).toMatchObject({ total: 5, died: 1, corrupted: 1 });
  expect(rep.firstBreak).toEqual({ "read:EIO": null, "write:KILL": 1, "disk:full": null });
  const table = sweepTable(rep);
  expect(table).toContain("read:EIO: 6 matching calls in a run with no fault; up to 3 threads");
  expect(table).toContain("call numbers failed in no run: 3, 5-6");
  expect(table).toContain(
    "runs that failed more than one call (strace counts each thread's calls): N=1",
  );
  expect(table).toContain("(+1 more)");
  expect(table).toContain(
    "missing:\n  write:KILL: stopped: N 2 did not finish; N=4 and on not run",
  );
  expect(table).toContain("  disk:full: not run");
  expect(table).toContain("5 runs: 3 handled, 0 reported, 1 corrupted, 0 crashed, 0 hung, 1 died");
  const xml = sweepJUnit(rep);
  expect(xml).toContain('<testsuites name="brink sweep" tests="5" failures="1" errors="1">');
  expect(xml).toContain('<error message="died" type="died">');
  expect(ranges([1, 2, 3, 7, 9, 10])).toBe("1-3, 7, 9-10");
});
