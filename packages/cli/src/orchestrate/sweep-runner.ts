import type { Limits } from "../engine/container-spec.ts";
import type { ProjectAccess } from "../engine/project-access.ts";
import { runContainer } from "../engine/run-container.ts";
import type { EngineSession } from "../engine/session.ts";
import { BrinkError } from "../errors.ts";
import { classify, type SweepRow } from "../report/sweep-report.ts";
import { pool } from "./run-plan.ts";
import { type Step, stepReader } from "./sweep-step.ts";

/** Where the step driver sits in the probe image. */
export const DRIVER = "/node_modules/@brink/probes/src/sweep/driver.ts";

/** A system call to fail and the errno to fail it with. */
export interface Fault {
  syscall: string;
  errno: string;
}

/** Everything a sweep needs; `brink sweep` flags produce one. */
export interface SweepPlan {
  faults: Fault[];
  command: string[];
  paths: string[];
  check?: string;
  max: number;
  timeoutMs: number;
  concurrency: number;
  limits: Limits;
  project: string;
  /** Containers get a private writable copy of the project. */
  writableProject?: boolean;
}

export const faultName = (f: Fault) => `${f.syscall}:${f.errno}`;

/** Runs the driver for one N in a fresh fenced container; null when interrupted. */
async function step(
  session: EngineSession,
  mount: ProjectAccess,
  plan: SweepPlan,
  f: Fault,
  n: number,
  signal: AbortSignal,
): Promise<Step | null> {
  const cmd = [
    DRIVER,
    "--syscall",
    f.syscall,
    "--errno",
    f.errno,
    "--n",
    String(n),
    "--timeout",
    String(plan.timeoutMs),
  ];
  for (const p of plan.paths) cmd.push("--path", p);
  if (plan.check) cmd.push("--check", plan.check);
  const reader = stepReader(n);
  const exit = await runContainer(
    session.docker,
    {
      image: mount.image,
      runId: session.runId,
      cmd: [...cmd, "--", ...plan.command],
      limits: plan.limits,
      project: mount.project,
      projectWritable: mount.writable,
      user: mount.user,
      tmpfs: { "/brink": "rw,size=16m,mode=1777" },
      env: { BRINK_SWEEP_LOG: "/brink/strace.log" },
    },
    { onLine: (l) => reader.line(l), signal },
  );
  if (reader.step) return reader.step;
  if (signal.aborted) return null;
  throw new BrinkError(
    "ENGINE_REFUSED",
    `the sweep driver gave no answer for N=${n} (container exit ${exit.exitCode})`,
  );
}

function rowOf(fault: string, s: Step, durationMs: number): SweepRow {
  return {
    fault,
    n: s.n,
    outcome: classify(s),
    exitCode: s.exitCode,
    signal: s.signal,
    injected: s.injected,
    check: s.check
      ? { exitCode: s.check.exitCode, output: `${s.check.stdout}${s.check.stderr}`.slice(-500) }
      : null,
    stderr: s.stderr.slice(-500),
    durationMs,
  };
}

/**
 * Sweeps each fault: N = 1, 2, ... in batches of `concurrency` containers, until a run
 * has no call left to fail (or `max`). Rows arrive in order of N through `onRow`.
 *
 * @example
 * const { rows, calls } = await runSweep(session, plan, signal, (r) => print(r));
 */
export async function runSweep(
  session: EngineSession,
  mount: ProjectAccess,
  plan: SweepPlan,
  signal: AbortSignal,
  onRow: (r: SweepRow) => void,
) {
  const rows: SweepRow[] = [];
  const calls: Record<string, number> = {};
  for (const f of plan.faults) {
    const name = faultName(f);
    for (
      let n = 1;
      n <= plan.max && calls[name] === undefined && !signal.aborted;
      n += plan.concurrency
    ) {
      const ns = Array.from(
        { length: Math.min(plan.concurrency, plan.max - n + 1) },
        (_, i) => n + i,
      );
      const t0 = performance.now();
      const steps = await pool(
        plan.concurrency,
        ns.map((k) => () => step(session, mount, plan, f, k, signal)),
      );
      const ms = Math.round((performance.now() - t0) / ns.length);
      for (const s of steps) {
        if (!s || calls[name] !== undefined) continue;
        if (!s.injected) calls[name] = s.calls;
        else {
          const row = rowOf(name, s, ms);
          rows.push(row);
          onRow(row);
        }
      }
    }
    calls[name] ??= rows.filter((r) => r.fault === name).length;
  }
  return { rows, calls };
}
