import type { ProbeResult } from "@brink/probes";
import type { Plan } from "../args/plan.ts";
import { formatSize } from "../args/units.ts";
import { trapInterrupts } from "../engine/interrupts.ts";
import { liveContainers } from "../engine/live-containers.ts";
import { projectAccess } from "../engine/project-access.ts";
import { type EngineSession, openSession } from "../engine/session.ts";
import { BrinkError } from "../errors.ts";
import { barProgress, lineProgress, type Progress } from "../report/progress.ts";
import { buildReport, exitCodeOf, type Report } from "../report/report.ts";
import { palette, summaryText } from "../report/terminal.ts";
import { writeReports } from "../report/write-reports.ts";
import { VERSION } from "../version.ts";
import type { ProbeInfo } from "./probe-info.ts";
import { runPlan } from "./run-plan.ts";

/** The notes a plan's report carries. */
function notesOf(plan: Plan): string[] {
  if (!plan.categories.includes("disk")) return [];
  const memory = formatSize(plan.limits.memory + plan.limits.disk);
  return [
    `the disk container's memory fence is ${memory} (--memory plus --disk): tmpfs pages are charged to memory, so without headroom a full disk ends in an OOM kill instead of ENOSPC`,
  ];
}

/**
 * Runs a plan end to end: engine, image, fenced containers, live progress, reports. On
 * SIGINT/SIGTERM (also during the image build) or a lost engine it removes the run's
 * containers and still writes every result it had.
 *
 * @example
 * process.exitCode = await executePlan(plan, probes, { color: true });
 */
export async function executePlan(
  plan: Plan,
  probes: ProbeInfo[],
  ui: { color: boolean; bar?: boolean },
): Promise<number> {
  const c = palette(ui.color);
  const err = (s: string) => process.stderr.write(`${s}\n`);
  const started = Date.now();
  const t0 = performance.now();
  const results: ProbeResult[] = [];
  const finish = (engine: Report["engine"], incomplete?: string): Report => {
    const report = buildReport({
      toolVersion: VERSION,
      startedAt: new Date(started).toISOString(),
      durationMs: Math.round(performance.now() - t0),
      engine,
      results,
      notes: notesOf(plan),
      ...(incomplete ? { incomplete } : {}),
    });
    writeReports(report, plan.outputs);
    return report;
  };

  const trap = trapInterrupts((s) =>
    err(
      c.yellow(
        `\n${s.name}: stopping; removing this run's containers and keeping the results so far...`,
      ),
    ),
  );

  let session: EngineSession;
  let lost: BrinkError | null = null;
  let progress: Progress | undefined;
  let cleanup = async () => {};
  try {
    try {
      session = await openSession({
        signal: trap.signal,
        onBuild: () => err(c.dim("building the probe image (offline, once per change)...")),
      });
    } catch (e) {
      const s = trap.stopped;
      if (!(e instanceof BrinkError) || !s) throw e;
      err(e.message);
      finish(
        { kind: "docker", version: "unknown", cgroup: null },
        `interrupted by ${s.name} before any probe ran`,
      );
      return s.code;
    }
    err(
      c.dim(
        `brink ${VERSION}: ${probes.length} probes in ${plan.categories.join(", ")}; engine ${session.version} (cgroup v${session.cgroup ?? "?"}), image ${session.image.tag}${session.image.built ? " (built)" : ""}`,
      ),
    );
    const mount = await projectAccess(session, plan.project, {
      writable: plan.writableProject,
      signal: trap.signal,
    });
    cleanup = mount.cleanup;
    const live = ui.bar ? barProgress(probes.length, t0) : lineProgress(c, t0);
    progress = live;
    try {
      await runPlan(session.docker, plan, probes, {
        image: mount.image,
        project: mount.project,
        user: mount.user,
        writable: mount.writable,
        runId: session.runId,
        signal: trap.signal,
        onStart: (cat) => live.containerStarting(cat),
        onResult: (r) => {
          results.push(r);
          live.result(r);
        },
      });
    } catch (e) {
      if (!(e instanceof BrinkError)) throw e;
      lost = e;
      trap.abort(e.message);
    }
  } finally {
    progress?.stop(trap.stopped !== null || lost !== null);
    trap.release();
    await liveContainers.removeAll();
    await cleanup();
  }
  const s = trap.stopped;
  const report = finish(
    { kind: "docker", version: session.version, cgroup: session.cgroup },
    s ? `interrupted by ${s.name}` : lost?.message,
  );
  process.stdout.write(summaryText(report, c));
  if (s) return s.code;
  if (lost) throw lost;
  return exitCodeOf(results);
}
