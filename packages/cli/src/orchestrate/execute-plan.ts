import type { ProbeResult } from "@brink/probes";
import type { Plan } from "../args/plan.ts";
import { formatSize } from "../args/units.ts";
import { liveContainers } from "../engine/live-containers.ts";
import { openSession } from "../engine/session.ts";
import { BrinkError } from "../errors.ts";
import { buildReport, exitCodeOf } from "../report/report.ts";
import { palette, resultLine, summaryText } from "../report/terminal.ts";
import { writeReports } from "../report/write-reports.ts";
import { VERSION } from "../version.ts";
import type { ProbeInfo } from "./probe-info.ts";
import { runPlan } from "./run-plan.ts";

/**
 * Runs a plan end to end: engine, image, fenced containers, live progress, reports. On
 * SIGINT/SIGTERM or a lost engine it removes the run's containers and still writes every
 * result it had.
 *
 * @example
 * process.exitCode = await executePlan(plan, probes, { color: true });
 */
export async function executePlan(
  plan: Plan,
  probes: ProbeInfo[],
  ui: { color: boolean },
): Promise<number> {
  const c = palette(ui.color);
  const err = (s: string) => process.stderr.write(`${s}\n`);
  const started = Date.now();
  const t0 = performance.now();
  const results: ProbeResult[] = [];
  const controller = new AbortController();
  let interrupted: { signal: string; code: number } | null = null;
  const onSignal = (signal: string, code: number) => () => {
    if (interrupted) return;
    interrupted = { signal, code };
    err(
      c.yellow(
        `\n${signal}: stopping; removing this run's containers and keeping the results so far...`,
      ),
    );
    controller.abort(`interrupted by ${signal}`);
  };
  const sigint = onSignal("SIGINT", 130);
  const sigterm = onSignal("SIGTERM", 143);
  process.on("SIGINT", sigint);
  process.on("SIGTERM", sigterm);
  let session: Awaited<ReturnType<typeof openSession>>;
  try {
    session = await openSession({
      signal: controller.signal,
      onBuild: () => err(c.dim("building the probe image (offline, once per change)...")),
    });
  } catch (e) {
    process.off("SIGINT", sigint);
    process.off("SIGTERM", sigterm);
    const stop = interrupted as { signal: string; code: number } | null;
    if (!(e instanceof BrinkError) || !stop) throw e;
    err(e.message);
    writeReports(
      buildReport({
        toolVersion: VERSION,
        startedAt: new Date(started).toISOString(),
        durationMs: Math.round(performance.now() - t0),
        engine: { kind: "docker", version: "unknown", cgroup: null },
        results: [],
        notes: [],
        incomplete: `interrupted by ${stop.signal} before any probe ran`,
      }),
      plan.outputs,
    );
    return stop.code;
  }
  err(
    c.dim(
      `brink ${VERSION}: ${probes.length} probes in ${plan.categories.join(", ")}; engine ${session.version} (cgroup v${session.cgroup ?? "?"}), image ${session.image.tag}${session.image.built ? " (built)" : ""}`,
    ),
  );
  let lost: BrinkError | null = null;
  try {
    await runPlan(session.docker, plan, probes, {
      image: session.image.tag,
      runId: session.runId,
      signal: controller.signal,
      onStart: (cat) =>
        err(
          c.dim(
            `${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s ${cat.padEnd(5)} container starting`,
          ),
        ),
      onResult: (r) => {
        results.push(r);
        err(resultLine(r, c, performance.now() - t0));
      },
    });
  } catch (e) {
    if (!(e instanceof BrinkError)) throw e;
    lost = e;
    controller.abort(e.message);
  } finally {
    process.off("SIGINT", sigint);
    process.off("SIGTERM", sigterm);
    await liveContainers.removeAll();
  }
  const stop = interrupted as { signal: string; code: number } | null;
  const notes = plan.categories.includes("disk")
    ? [
        `the disk container's memory fence is ${formatSize(plan.limits.memory + plan.limits.disk)} (--memory plus --disk): tmpfs pages are charged to memory, so without headroom a full disk ends in an OOM kill instead of ENOSPC`,
      ]
    : [];
  const report = buildReport({
    toolVersion: VERSION,
    startedAt: new Date(started).toISOString(),
    durationMs: Math.round(performance.now() - t0),
    engine: { kind: "docker", version: session.version, cgroup: session.cgroup },
    results,
    notes,
    ...(stop
      ? { incomplete: `interrupted by ${stop.signal}` }
      : lost
        ? { incomplete: lost.message }
        : {}),
  });
  writeReports(report, plan.outputs);
  process.stdout.write(summaryText(report, c));
  if (stop) return stop.code;
  if (lost) throw lost;
  return exitCodeOf(results);
}
