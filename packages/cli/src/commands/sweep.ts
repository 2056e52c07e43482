import { parseArgs } from "node:util";
import { splitCommand } from "@brink/probes";
import { LIMIT_OPTIONS, limitsFromFlags } from "../args/limits.ts";
import { parseConcurrency, resolveProject } from "../args/plan.ts";
import { parseCount, parseDuration } from "../args/units.ts";
import { projectAccess } from "../engine/project-access.ts";
import { openRunScope } from "../engine/run-scope.ts";
import { BrinkError } from "../errors.ts";
import { type Fault, faultName, runSweep, type SweepPlan } from "../orchestrate/sweep-runner.ts";
import { cleanTerminalText } from "../report/escape.ts";
import {
  buildSweepReport,
  type SweepRow,
  sweepExitCode,
  sweepJUnit,
  sweepRowLine,
  sweepTable,
} from "../report/sweep-report.ts";
import { writeOut } from "../report/write-reports.ts";
import { checkDiskFitsMemory, splitAtDashes } from "./exec.ts";
import { parseOrUsage } from "./parse.ts";

export const SYSCALLS = [
  "write",
  "pwrite64",
  "openat",
  "fsync",
  "rename",
  "renameat",
  "renameat2",
  "mkdir",
  "mkdirat",
  "unlink",
  "unlinkat",
  "read",
  "close",
];
export const ERRNOS = [
  "ENOSPC",
  "EIO",
  "EMFILE",
  "EACCES",
  "EDQUOT",
  "EINTR",
  "EAGAIN",
  "ENOMEM",
  "EROFS",
];

const OPTIONS = {
  ...LIMIT_OPTIONS,
  project: { type: "string" },
  "writable-project": { type: "boolean" },
  fault: { type: "string" },
  path: { type: "string", multiple: true },
  max: { type: "string" },
  check: { type: "string" },
  timeout: { type: "string" },
  concurrency: { type: "string" },
  json: { type: "string" },
  junit: { type: "string" },
} as const;

/** Parses --fault write:ENOSPC,openat:EMFILE into checked pairs. */
export function parseFaults(value: string | undefined): Fault[] {
  if (!value)
    throw new BrinkError(
      "USAGE",
      "brink sweep needs --fault SYSCALL:ERRNO, e.g. --fault write:ENOSPC",
    );
  return value.split(",").map((f) => {
    const [syscall = "", errno = "", extra] = f.trim().split(":");
    if (extra !== undefined || !SYSCALLS.includes(syscall) || !ERRNOS.includes(errno)) {
      throw new BrinkError(
        "USAGE",
        `--fault "${f}" is not SYSCALL:ERRNO with SYSCALL one of ${SYSCALLS.join(", ")} and ERRNO one of ${ERRNOS.join(", ")}`,
      );
    }
    return { syscall, errno };
  });
}

/** Turns `brink sweep` flags into a plan; every bad value is a usage error. */
export function sweepPlanFromArgs(argv: string[]): SweepPlan & { json?: string; junit?: string } {
  const { flags, command } = splitAtDashes(argv);
  const { values: v } = parseOrUsage(
    () => parseArgs({ args: flags, options: OPTIONS, strict: true }),
    flags,
  );
  if (!command.length) {
    throw new BrinkError(
      "USAGE",
      "brink sweep needs a command after --, e.g. brink sweep --fault write:ENOSPC -- bun save.ts",
    );
  }
  const faults = parseFaults(v.fault);
  const limits = limitsFromFlags(v);
  checkDiskFitsMemory(limits);
  if (v.check !== undefined) {
    try {
      if (!splitCommand(v.check).length) throw new Error("it is empty");
    } catch (e) {
      throw new BrinkError(
        "USAGE",
        `--check ${JSON.stringify(v.check)} is not a command line: ${(e as Error).message}`,
      );
    }
  }
  for (const p of v.path ?? []) {
    if (!p.startsWith("/"))
      throw new BrinkError(
        "USAGE",
        `--path ${p} must be absolute inside the container, e.g. /scratch/data.json`,
      );
  }
  return {
    faults,
    command,
    paths: v.path ?? [],
    check: v.check,
    max: v.max ? parseCount("--max", v.max, 100_000) : 500,
    timeoutMs: v.timeout ? parseDuration("--timeout", v.timeout) : 30_000,
    concurrency: parseConcurrency(v.concurrency),
    limits,
    project: resolveProject(v.project),
    writableProject: v["writable-project"] ?? false,
    json: v.json,
    junit: v.junit,
  };
}

/**
 * `brink sweep`: fail the Nth matching system call, for N = 1, 2, ..., each in a fresh
 * fenced container, check the program's invariants after each, and classify every N.
 *
 * @example
 * process.exitCode = await sweepCommand(["--fault", "write:ENOSPC", "--path", "/scratch/data.json", "--", "bun", "save.ts"]);
 */
export async function sweepCommand(argv: string[]): Promise<number> {
  const plan = sweepPlanFromArgs(argv);
  if (!Bun.which("strace")) {
    throw new BrinkError(
      "IMAGE_BUILD_FAILED",
      "strace is not on this host, so the probe image has none; install it (apt-get install strace) and run again",
    );
  }
  await using scope = openRunScope();
  const started = Date.now();
  const rows: SweepRow[] = [];
  let calls: Record<string, number> = {};
  let failure: unknown = null;
  try {
    const session = await scope.session();
    const access = await projectAccess(session, plan.project, {
      writable: plan.writableProject,
      signal: scope.signal,
    });
    scope.defer(access.cleanup);
    process.stderr.write(
      `sweeping ${plan.faults.map(faultName).join(", ")} over ${plan.command.join(" ")}...\n`,
    );
    ({ calls } = await runSweep(session, access, plan, scope.signal, (r) => {
      rows.push(r);
      process.stderr.write(`  ${cleanTerminalText(r.fault)}${sweepRowLine(r)}\n`);
    }));
  } catch (e) {
    failure = e;
    scope.abort((e as Error)?.message ?? String(e));
  }
  const stopped = scope.stopped;
  const incomplete =
    stopped?.reason ?? (failure ? String((failure as Error)?.message ?? failure) : undefined);
  const report = buildSweepReport({
    command: plan.command,
    faults: plan.faults.map(faultName),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    results: rows,
    calls,
    ...(incomplete === undefined ? {} : { incomplete }),
  });
  if (plan.json) writeOut(plan.json, `${JSON.stringify(report, null, 2)}\n`);
  if (plan.junit) writeOut(plan.junit, sweepJUnit(report));
  if (stopped) {
    process.stdout.write(sweepTable(report));
    return stopped.code;
  }
  if (failure) throw failure;
  process.stdout.write(sweepTable(report));
  return sweepExitCode(report);
}
