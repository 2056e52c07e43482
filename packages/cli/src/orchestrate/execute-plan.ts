import type { ProbeResult } from "@brink/probes/host";
import { inCategoryOrder } from "../args/category-limit.ts";
import type { Plan } from "../args/plan.ts";
import { formatSize } from "../args/units.ts";
import type { ProjectAccess } from "../engine/project-access.ts";
import { openRunScope } from "../engine/run-scope.ts";
import type { EngineSession } from "../engine/session.ts";
import { barProgress, lineProgress, type Progress } from "../report/progress.ts";
import { buildReport, exitCodeOf, type Report } from "../report/report.ts";
import { skipProblem } from "../report/skips.ts";
import { palette, plural, stdoutPalette, summaryText } from "../report/terminal.ts";
import { checkOutputs, writeReports } from "../report/write-reports.ts";
import { VERSION } from "../version.ts";
import type { ProbeInfo } from "./probe-info.ts";
import { runPlan } from "./run-plan.ts";

/** The notes a run's report carries: only about what runs. */
function notesOf(plan: Plan, probes: readonly ProbeInfo[]): string[] {
  if (!probes.some((p) => p.category === "disk")) return [];
  const memory = formatSize(plan.limits.memory + plan.limits.disk);
  return [
    `the disk container's memory fence is ${memory} (--memory plus --disk): tmpfs pages are charged to memory, so without headroom a full disk ends in an OOM kill instead of ENOSPC`,
  ];
}

/** A plan's probes, or how to get them once the engine is there (inside the run scope, so a stop while they load still ends in a report). */
export type ProbeSource =
  | ProbeInfo[]
  | ((session: EngineSession, signal: AbortSignal, access: ProjectAccess) => Promise<ProbeInfo[]>);

/**
 * Runs a plan end to end inside one run scope: engine, image, probes, fenced containers,
 * live progress, reports. Every path ends the same way: the run's containers removed and
 * the reports written; a run that did not finish (SIGINT, SIGTERM, SIGHUP, SIGQUIT, a
 * closed output, a lost engine, an error) says so in `incomplete`, and each planned probe
 * without a result is listed as "not run".
 *
 * @example
 * process.exitCode = await executePlan(plan, (session, signal) => probeInfos(...), { color: true });
 */
export async function executePlan(
  plan: Plan,
  source: ProbeSource,
  ui: { color: boolean; bar?: boolean },
): Promise<number> {
  const c = palette(ui.color);
  const err = (s: string) => process.stderr.write(`${s}\n`);
  // An unwritable report is found now, not after every probe ran.
  checkOutputs(plan.outputs);
  const started = Date.now();
  const t0 = performance.now();
  const results: ProbeResult[] = [];
  let probes: ProbeInfo[] = Array.isArray(source) ? source : [];
  let engine: Report["engine"] = { kind: "docker", version: "unknown", cgroup: null };
  let running = false;
  let failure: unknown = null;
  let progress: Progress | undefined;

  await using scope = openRunScope({
    onStop: (s) =>
      err(
        c.yellow(
          `\n${s.name === "reader closed" ? "output closed" : s.name}: stopping; removing this run's containers and keeping the results so far...`,
        ),
      ),
  });
  try {
    const session = await scope.session({
      onBuild: () => err(c.dim("building the probe image (offline, once per change)...")),
    });
    engine = { kind: "docker", version: session.version, cgroup: session.cgroup };
    const { access } = await scope.project(plan.project, { writable: plan.writableProject });
    if (!Array.isArray(source)) probes = await source(session, scope.signal, access);
    if (!scope.signal.aborted) {
      err(
        c.dim(
          `brink ${VERSION}: ${plural(probes.length, "probe")} in ${inCategoryOrder(probes.map((p) => p.category)).join(", ")}; engine ${session.version} (cgroup v${session.cgroup ?? "?"}), image ${session.image.tag}${session.image.built ? " (built)" : ""}`,
        ),
      );
      const live = ui.bar ? barProgress(probes.length, t0, c) : lineProgress(c, t0);
      progress = live;
      running = true;
      await runPlan(session.docker, plan, probes, {
        image: access.image,
        project: access.project,
        user: access.user,
        writable: access.writable,
        runId: session.runId,
        signal: scope.signal,
        onStart: (cat) => live.containerStarting(cat),
        onResult: (r) => {
          results.push(r);
          live.result(r);
        },
      });
    }
  } catch (e) {
    failure = e;
    // The engine went away or something broke: stop the containers still running.
    scope.abort((e as Error)?.message ?? String(e));
  } finally {
    progress?.stop(scope.signal.aborted);
  }

  const stopped = scope.stopped;
  const incomplete = stopped
    ? `${stopped.reason}${running ? "" : " before any probe ran"}`
    : failure
      ? String((failure as Error)?.message ?? failure)
      : undefined;
  const report = buildReport({
    toolVersion: VERSION,
    startedAt: new Date(started).toISOString(),
    durationMs: Math.round(performance.now() - t0),
    engine,
    results,
    notes: notesOf(plan, probes),
    ...(incomplete === undefined ? {} : { incomplete, notRun: { probes, why: incomplete } }),
  });
  const written = writeReports(report, plan.outputs);
  if (running || stopped) process.stdout.write(summaryText(report, stdoutPalette(ui.color)));
  if (written.length) process.stdout.write(`${written.join("\n")}\n`);
  if (stopped) return stopped.code;
  if (failure) throw failure;
  return runExitCode(report.results, plan.allowSkip ?? false, (s) => err(c.yellow(`brink: ${s}`)));
}

/**
 * A finished run's exit code: 1 when a probe failed, errored or was killed; else 3 when
 * skips mean the run proved less than it was asked to (`skipProblem`) and they were not
 * allowed, after saying why with `say`; else 0.
 *
 * @example
 * runExitCode(report.results, false, console.error) // 3 when every probe was skipped
 */
export function runExitCode(
  results: readonly ProbeResult[],
  allowSkip: boolean,
  say: (line: string) => void,
): number {
  const code = exitCodeOf(results);
  const skips = skipProblem(results);
  if (!skips || allowSkip) return code;
  say(skips);
  return code || 3;
}
