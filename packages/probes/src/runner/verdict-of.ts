import type { FenceSummary } from "@brink/guard";
import type { ProbeMeta, ProbeResult } from "../protocol.ts";
import { LOAD_TIMEOUT_MS, type ProbeEvidence } from "./spawn-probe.ts";

/** A probe as the host's plan names it: no title needed (the host has it). */
export type PlannedProbe = Omit<ProbeMeta, "title"> & { title?: string; timeoutMs: number };

/** What the runner knows besides the probe process's own evidence. */
export interface VerdictInput {
  probe: PlannedProbe;
  fence: FenceSummary;
  evidence: ProbeEvidence;
  /** OOM kills the cgroup counted while the probe ran; null where the counter is unreadable. */
  oomKills: number | null;
  /** Processes the probe left behind that the runner killed after it. */
  leftovers: number;
}

/**
 * Decides a probe's result from what its process reported *and* how it ended: a report
 * followed by an unexpected exit is not a pass, a kill is attributed to the memory fence
 * only when the process died of SIGKILL while the cgroup's OOM-kill counter rose, and an
 * exit code is a code, a signal a signal.
 *
 * @example
 * const result = verdictOf({ probe, fence, evidence, oomKills: 0, leftovers: 0 });
 */
export function verdictOf(input: VerdictInput): ProbeResult {
  const { probe, evidence: ev } = input;
  const how = {
    exitCode: ev.exitCode,
    signal: ev.signal,
    ...(input.oomKills !== null ? { oomKills: input.oomKills } : {}),
    ...(ev.leftRunning ? { leftRunning: true } : {}),
    ...(input.leftovers ? { leftoverProcesses: input.leftovers } : {}),
  };
  const base = {
    id: probe.id,
    category: probe.category,
    title: (probe.title ?? probe.id).slice(0, 1000),
    expected: probe.expected,
    durationMs: ev.durationMs,
    fence: input.fence,
  };
  const result = (status: ProbeResult["status"], message: string, observed: object) => ({
    ...base,
    status,
    // Whatever the probe's text, the event stays well within what the host accepts.
    message: message.length > 10_000 ? `${message.slice(0, 10_000)}… (cut)` : message,
    observed: { ...observed, process: how },
    ...(status !== "pass" && status !== "skip" && ev.log ? { log: ev.log } : {}),
  });
  const oomKilled = ev.signal === "SIGKILL" && !ev.timedOut && (input.oomKills ?? 0) > 0;
  const r = ev.report;
  const ended =
    ev.signal !== null
      ? `was killed by ${ev.signal}${oomKilled ? " (the memory fence: the cgroup counted an OOM kill)" : ""}`
      : `exited with code ${ev.exitCode}`;

  if (ev.loadTimedOut)
    return result(
      "error",
      `its suite did not finish loading within ${LOAD_TIMEOUT_MS / 1000} s (a top-level await that never settles?)`,
      { loadTimeoutMs: LOAD_TIMEOUT_MS },
    );
  if (ev.timedOut || (typeof r === "object" && r?.kind === "timeout"))
    return result("error", `timed out after ${probe.timeoutMs} ms`, { timeoutMs: probe.timeoutMs });
  if (probe.expected === "killed") {
    if (oomKilled)
      return result(
        "pass",
        "the memory fence killed it, as expected (SIGKILL, OOM kill counted)",
        {},
      );
    if (typeof r === "object" && r?.kind === "outcome")
      return result(
        "fail",
        `expected the fence to kill it, but it returned: ${r.message}`,
        r.observed,
      );
    return result("fail", `expected an OOM kill by the memory fence; its process ${ended}`, {});
  }
  const cleanExit = ev.exitCode === 0 && ev.signal === null;
  if (r === null)
    return result(
      ev.signal !== null ? "killed" : "error",
      `its process ${ended} before reporting a verdict`,
      {},
    );
  if (typeof r === "string") return result("error", `protocol error: ${r}`, {});
  if (!cleanExit && !ev.leftRunning)
    return result(
      "error",
      `it reported ${r.kind === "outcome" ? (r.ok ? "a pass" : "a failure") : r.kind}, then its process ${ended}`,
      {},
    );
  switch (r.kind) {
    case "outcome":
      if (r.ok && typeof r.exitCode === "number" && r.exitCode !== 0)
        return result(
          "fail",
          `returned a pass but set process.exitCode = ${r.exitCode}: the process would have exited ${r.exitCode}`,
          { ...r.observed, exitCodeSet: r.exitCode },
        );
      return result(r.ok ? "pass" : "fail", r.message, r.observed);
    case "threw":
      return result("fail", `${r.uncaught ? "an uncaught" : "threw"} ${r.name}: ${r.message}`, {
        ...(r.uncaught ? { uncaught: true } : {}),
        thrown: r.name,
        ...(r.code !== undefined ? { code: r.code } : {}),
        ...(r.stack ? { stack: r.stack } : {}),
      });
    case "no-verdict":
      return result(
        "error",
        `run() returned ${r.got} instead of a verdict; return verdict(ok, message, observed)`,
        {},
      );
    case "bad-suite":
      return result("error", `the suite did not load in the probe's process: ${r.message}`, {});
    default:
      return result(
        "error",
        `protocol error: an unexpected report "${String(r.kind).slice(0, 40)}"`,
        {},
      );
  }
}
