import { classify, type SweepRow } from "../report/sweep-report.ts";
import type { StepResult } from "./sweep-container.ts";
import type { Step } from "./sweep-step.ts";

const tail = (s: string, n = 500) => s.slice(-n);
/** 2000 -> "2s", 1500 -> "1500ms": as --timeout takes it. */
const formatDuration = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** The check's result as a row shows it. */
const checkOf = (s: Step) =>
  s.check
    ? { exitCode: s.check.exitCode, output: tail(`${s.check.stdout}${s.check.stderr}`) }
    : null;

/** Why a step the driver answered for is hung, in words. */
function hungWhy(s: Step, timeoutMs: number): string | null {
  const t = formatDuration(timeoutMs);
  if (s.timedOut) return `ran past --timeout ${t}: its whole process tree was killed`;
  if (s.check?.timedOut) return `the check ran past --timeout ${t} and was killed`;
  return null;
}

/**
 * The row of one step: the driver's answer classified (a KILL fault's own SIGKILL is no
 * crash), or a `died`/`hung` row with the evidence brink has when the step gave none.
 *
 * @example
 * const row = rowOf("write:KILL", 3, result, 30_000);
 */
export function rowOf(fault: string, n: number, r: StepResult, timeoutMs: number): SweepRow {
  if (r.kind === "step") {
    const s = r.step;
    const disk = fault === "disk:full";
    const first = s.injections[0];
    const syscall = fault.split(":")[0] as string;
    const injected = disk
      ? s.short
        ? { syscall: /^[a-z0-9_]+/.exec(s.short)?.[0] ?? "write", call: s.short }
        : null
      : first
        ? { syscall, call: first.call }
        : null;
    return {
      fault,
      n,
      outcome: classify({ ...s, killed: fault.endsWith(":KILL") && s.injectedCount > 0 }),
      exitCode: s.exitCode,
      signal: s.signal,
      injected,
      injections: s.injections,
      injectedCount: s.injectedCount,
      calls: s.calls,
      ...(disk ? { free: s.free, written: s.written } : {}),
      check: checkOf(s),
      stderr: tail(s.stderr),
      evidence: hungWhy(s, timeoutMs),
      durationMs: r.durationMs,
    };
  }
  const base = {
    fault,
    n,
    injected: null,
    injections: [],
    injectedCount: 0,
    check: null,
    stderr: tail(r.stderr),
    durationMs: r.durationMs,
  };
  if (r.kind === "hung") {
    return {
      ...base,
      outcome: "hung",
      exitCode: null,
      signal: null,
      evidence: `the step did not end within ${formatDuration(r.deadlineMs)}: brink killed its container`,
    };
  }
  const how = r.oomKilled
    ? "OOM-killed"
    : r.signal
      ? `exit ${r.exitCode} (${r.signal})`
      : `exit ${r.exitCode}`;
  return {
    ...base,
    outcome: "died",
    exitCode: r.exitCode,
    signal: r.signal,
    evidence: `the step's container ended with no answer from the driver: ${how}`,
  };
}
