import { appendFileSync } from "node:fs";
import { openRunScope } from "../engine/run-scope.ts";
import { formatFence } from "../orchestrate/squeeze-fences.ts";
import { runSqueeze } from "../orchestrate/squeeze-runner.ts";
import { squeezeText, tryLine } from "../report/squeeze-chart.ts";
import { squeezeJUnit } from "../report/squeeze-junit.ts";
import { squeezeMarkdown } from "../report/squeeze-markdown.ts";
import { type SqueezeReport, squeezeExitCode } from "../report/squeeze-report.ts";
import { palette } from "../report/terminal.ts";
import { safeJson } from "../report/text.ts";
import { checkOutputs, stepSummaryWanted, writeOut } from "../report/write-reports.ts";
import { type SqueezeArgs, squeezeArgs } from "./squeeze-args.ts";

/** Writes the reports asked for, and the Markdown to $GITHUB_STEP_SUMMARY when set. */
function writeSqueezeReports(report: SqueezeReport, plan: SqueezeArgs, env = process.env): void {
  if (plan.json) writeOut(plan.json, `${safeJson(report, 2)}\n`);
  if (plan.junit) writeOut(plan.junit, squeezeJUnit(report));
  if (plan.markdown) writeOut(plan.markdown, squeezeMarkdown(report));
  if (stepSummaryWanted(env, plan.markdown)) {
    try {
      appendFileSync(env.GITHUB_STEP_SUMMARY as string, squeezeMarkdown(report));
    } catch {
      // the step summary is a courtesy; never fail a run over it
    }
  }
}

/**
 * `brink squeeze [--fence F]... [--range F=LOW..HIGH] [--check CMD] [--repeat N] -- CMD`:
 * finds, per fence, the smallest value CMD lives under, how it fails just below, and a
 * value to set. Exit 0 when every fence ends graceful below its cliff (or is not limiting),
 * 1 otherwise; 2 usage, 3 environment, 130/143 interrupted (the tries so far reported).
 *
 * @example
 * process.exitCode = await squeezeCommand(["--fence", "memory", "--", "bun", "parse.ts"], { color: false });
 */
export async function squeezeCommand(
  argv: string[],
  options: { color?: boolean } = {},
): Promise<number> {
  const plan = squeezeArgs(argv);
  // An unwritable report is found now, not after every try ran.
  checkOutputs({ json: plan.json, junit: plan.junit, markdown: plan.markdown });
  const c = palette(options.color ?? false);
  await using scope = openRunScope();
  const started = Date.now();
  let result: Awaited<ReturnType<typeof runSqueeze>> | null = null;
  let failure: unknown = null;
  try {
    const { session, access } = await scope.project(plan.project, {
      writable: plan.writableProject,
    });
    const ranges = plan.fences
      .map(
        (f) => `${f} ${formatFence(f, plan.ranges[f].low)}..${formatFence(f, plan.ranges[f].high)}`,
      )
      .join(", ");
    process.stderr.write(
      `squeezing ${ranges} under ${plan.command.join(" ")} (repeat ${plan.repeat}, ${plan.concurrency} at once)...\n`,
    );
    result = await runSqueeze(session, access, plan, scope.signal, (fence, t) => {
      process.stderr.write(`${tryLine(fence, t, c)}\n`);
    });
    failure = result.failure;
  } catch (e) {
    failure = e;
  }
  if (failure) scope.abort((failure as Error)?.message ?? String(failure));
  const stopped = scope.stopped;
  // Nothing ran (no engine, no image): the error says it all.
  if (!result && !stopped) throw failure;
  const incomplete =
    stopped?.reason ?? (failure ? String((failure as Error)?.message ?? failure) : undefined);
  const report: SqueezeReport = {
    version: 1,
    command: plan.command,
    check: plan.check ?? null,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    repeat: plan.repeat,
    headroom: plan.headroom,
    fences: result?.fences ?? {},
    runs: result?.runs ?? 0,
    ...(incomplete === undefined ? {} : { incomplete }),
  };
  writeSqueezeReports(report, plan);
  process.stdout.write(squeezeText(report, c));
  if (stopped) return stopped.code;
  if (failure) throw failure;
  return squeezeExitCode(report);
}
