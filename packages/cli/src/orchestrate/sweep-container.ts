import type { ProjectAccess } from "../engine/project-access.ts";
import { runContainer } from "../engine/run-container.ts";
import type { EngineSession } from "../engine/session.ts";
import { faultKind, faultName, type SweepPlan } from "./sweep-plan.ts";
import { type Step, type StepKey, stepReader } from "./sweep-step.ts";

/** Where the step driver sits in the probe image. */
export const DRIVER = "/node_modules/@brink/probes/src/sweep/driver.ts";
/** Labels of a step's container: which fault and N it runs (tests and `docker ps` find it by them). */
export const LABEL_SWEEP_FAULT = "dev.brink.sweep.fault";
export const LABEL_SWEEP_N = "dev.brink.sweep.n";

/** Past the program's and the check's timeouts, how long a step's container may take before brink kills it. */
export const STEP_SLACK_MS = 20_000;

/** How one step ended, as the host knows it. */
export type StepResult =
  /** The driver's signed answer. */
  | { kind: "step"; step: Step; durationMs: number }
  /** The container ended with no answer (killed from outside, OOM, the driver crashed). */
  | {
      kind: "died";
      exitCode: number | null;
      signal: string | null;
      oomKilled: boolean;
      stderr: string;
      durationMs: number;
    }
  /** The container outlived its deadline and brink killed it. */
  | { kind: "hung"; deadlineMs: number; stderr: string; durationMs: number };

/**
 * The driver's command line for one step. `--config=/dev/null`: the project's bunfig.toml
 * (its preload) is the user's code, which must not run in the driver before its hello.
 */
export function driverArgs(plan: SweepPlan, key: StepKey): string[] {
  const cmd = ["--config=/dev/null", DRIVER, "--fault", key.fault, "--n", String(key.n)];
  if (key.baseline) cmd.push("--baseline");
  cmd.push("--timeout", String(plan.timeoutMs));
  for (const p of plan.paths) cmd.push("--path", p);
  if (plan.check) cmd.push("--check", plan.check);
  return [...cmd, "--", ...plan.command];
}

/**
 * Runs the driver for one step in a fresh fenced container and says how it ended: its
 * answer, a death, or a hang past the step's deadline (the container is killed). Null when
 * the sweep was stopped (`signal`) before or while it ran. Engine errors are thrown.
 *
 * @example
 * const r = await runStep(session, access, plan, { fault: "write:KILL", n: 3, baseline: false }, signal);
 */
export async function runStep(
  session: EngineSession,
  mount: ProjectAccess,
  plan: SweepPlan,
  key: StepKey,
  signal: AbortSignal,
): Promise<StepResult | null> {
  if (signal.aborted) return null;
  const reader = stepReader(key);
  const deadlineMs = 2 * plan.timeoutMs + STEP_SLACK_MS;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort("deadline"), deadlineMs);
  let stderr = "";
  const disk = plan.faults.some((f) => faultName(f) === key.fault && faultKind(f) === "disk");
  const limits = disk
    ? // The ballast fills /scratch, and tmpfs pages are charged to memory: the disk's room on top.
      { ...plan.limits, memory: plan.limits.memory + plan.limits.disk }
    : plan.limits;
  try {
    const exit = await runContainer(
      session.docker,
      {
        image: mount.image,
        runId: session.runId,
        cmd: driverArgs(plan, key),
        limits,
        project: mount.project,
        projectWritable: mount.writable,
        user: mount.user,
        tmpfs: { "/brink": "rw,size=16m,mode=1777" },
        env: { BRINK_SWEEP_LOG: "/brink/strace.log" },
        labels: {
          [LABEL_SWEEP_FAULT]: key.fault,
          [LABEL_SWEEP_N]: key.baseline ? "baseline" : String(key.n),
        },
      },
      {
        onLine: (l) => reader.line(l),
        onStderr: (t) => {
          stderr = (stderr + t).slice(-2000);
        },
        signal: AbortSignal.any([signal, deadline.signal]),
      },
    );
    const durationMs = exit.durationMs;
    if (reader.step) return { kind: "step", step: reader.step, durationMs };
    if (signal.aborted) return null;
    if (deadline.signal.aborted) return { kind: "hung", deadlineMs, stderr, durationMs };
    return {
      kind: "died",
      exitCode: exit.exitCode,
      signal: exit.signal,
      oomKilled: exit.oomKilled,
      stderr,
      durationMs,
    };
  } finally {
    clearTimeout(timer);
  }
}
