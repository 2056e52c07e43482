import { parseArgs } from "node:util";
import { LIMIT_OPTIONS, limitsFromFlags } from "../args/limits.ts";
import { checkLimits, defaultConcurrency, resolveProject } from "../args/plan.ts";
import { parseCount, parseDuration } from "../args/units.ts";
import { liveContainers } from "../engine/live-containers.ts";
import { runContainer } from "../engine/run-container.ts";
import { openSession } from "../engine/session.ts";
import { BrinkError } from "../errors.ts";
import { pool } from "../orchestrate/run-plan.ts";
import {
  buildSweepReport,
  classify,
  type SweepRow,
  sweepExitCode,
  sweepJUnit,
  sweepTable,
} from "../report/sweep-report.ts";
import { writeOut } from "../report/write-reports.ts";
import { checkDiskFitsMemory, splitAtDashes } from "./exec.ts";
import { parseOrUsage } from "./parse.ts";

/** Where the step driver sits in the probe image. */
export const DRIVER = "/node_modules/@brink/probes/src/sweep/driver.ts";
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

/** Parses --fault write:ENOSPC,openat:EMFILE into checked pairs. */
export function parseFaults(value: string | undefined): { syscall: string; errno: string }[] {
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

interface Step {
  n: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stderr: string;
  calls: number;
  injected: { syscall: string; call: string } | null;
  check: {
    exitCode: number | null;
    signal: string | null;
    timedOut: boolean;
    stdout: string;
    stderr: string;
  } | null;
}

/**
 * `brink sweep`: fail the Nth matching system call, for N = 1, 2, ..., each in a fresh
 * fenced container, check the program's invariants after each, and classify every N.
 *
 * @example
 * process.exitCode = await sweepCommand(["--fault", "write:ENOSPC", "--path", "/scratch/data.json", "--", "bun", "save.ts"]);
 */
export async function sweepCommand(argv: string[]): Promise<number> {
  const { flags, command } = splitAtDashes(argv);
  const opts = {
    ...LIMIT_OPTIONS,
    project: { type: "string" },
    fault: { type: "string" },
    path: { type: "string", multiple: true },
    max: { type: "string" },
    check: { type: "string" },
    timeout: { type: "string" },
    concurrency: { type: "string" },
    json: { type: "string" },
    junit: { type: "string" },
  } as const;
  const { values: v } = parseOrUsage(
    () => parseArgs({ args: flags, options: opts, strict: true }),
    flags,
  );
  if (!command.length)
    throw new BrinkError(
      "USAGE",
      "brink sweep needs a command after --, e.g. brink sweep --fault write:ENOSPC -- bun save.ts",
    );
  const faults = parseFaults(v.fault);
  const limits = limitsFromFlags(v);
  checkLimits(limits);
  checkDiskFitsMemory(limits);
  const project = resolveProject(v.project);
  const max = v.max ? parseCount("--max", v.max, 100_000) : 500;
  const timeoutMs = v.timeout ? parseDuration("--timeout", v.timeout) : 30_000;
  const concurrency = v.concurrency
    ? parseCount("--concurrency", v.concurrency, 64)
    : defaultConcurrency();
  for (const p of v.path ?? [])
    if (!p.startsWith("/"))
      throw new BrinkError(
        "USAGE",
        `--path ${p} must be absolute inside the container, e.g. /scratch/data.json`,
      );
  if (!Bun.which("strace"))
    throw new BrinkError(
      "IMAGE_BUILD_FAILED",
      "strace is not on this host, so the probe image has none; install it (apt-get install strace) and run again",
    );
  const session = await openSession({
    onBuild: () =>
      process.stderr.write("brink: building the probe image (offline, once per change)...\n"),
  });
  const controller = new AbortController();
  const stop = () => controller.abort("interrupted");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const started = Date.now();
  const rows: SweepRow[] = [];
  const calls: Record<string, number> = {};
  const step = async (f: { syscall: string; errno: string }, n: number): Promise<Step | null> => {
    let line = "";
    const cmd = [
      DRIVER,
      "--syscall",
      f.syscall,
      "--errno",
      f.errno,
      "--n",
      String(n),
      "--timeout",
      String(timeoutMs),
    ];
    for (const p of v.path ?? []) cmd.push("--path", p);
    if (v.check) cmd.push("--check", v.check);
    const exit = await runContainer(
      session.docker,
      {
        image: session.image.tag,
        runId: session.runId,
        cmd: [...cmd, "--", ...command],
        limits,
        project: session.remote ? undefined : project,
        tmpfs: { "/brink": "rw,size=16m,mode=1777" },
        env: { BRINK_SWEEP_LOG: "/brink/strace.log" },
      },
      { onLine: (l) => (line = l.startsWith('{"n":') ? l : line), signal: controller.signal },
    );
    if (!line) {
      if (controller.signal.aborted) return null;
      throw new BrinkError(
        "ENGINE_REFUSED",
        `the sweep driver gave no answer for N=${n} (container exit ${exit.exitCode})`,
      );
    }
    return JSON.parse(line) as Step;
  };
  try {
    for (const f of faults) {
      const name = `${f.syscall}:${f.errno}`;
      process.stderr.write(`sweeping ${name} over ${command.join(" ")}...\n`);
      let done = false;
      for (let n = 1; n <= max && !done && !controller.signal.aborted; n += concurrency) {
        const ns = Array.from({ length: Math.min(concurrency, max - n + 1) }, (_, i) => n + i);
        const t0 = performance.now();
        const steps = await pool(
          concurrency,
          ns.map((k) => () => step(f, k)),
        );
        const ms = Math.round((performance.now() - t0) / ns.length);
        for (const s of steps) {
          if (!s || done) continue;
          if (!s.injected) {
            done = true;
            calls[name] = s.calls;
            continue;
          }
          const outcome = classify({ ...s, check: s.check });
          rows.push({
            fault: name,
            n: s.n,
            outcome,
            exitCode: s.exitCode,
            signal: s.signal,
            injected: s.injected,
            check: s.check
              ? {
                  exitCode: s.check.exitCode,
                  output: `${s.check.stdout}${s.check.stderr}`.slice(-500),
                }
              : null,
            stderr: s.stderr.slice(-500),
            durationMs: ms,
          });
          process.stderr.write(
            `  N=${String(s.n).padStart(4)} ${outcome.padEnd(9)} ${s.injected.call.slice(0, 80)}\n`,
          );
        }
      }
      calls[name] ??= rows.filter((r) => r.fault === name).length;
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await liveContainers.removeAll();
  }
  const report = buildSweepReport({
    command,
    faults: faults.map((f) => `${f.syscall}:${f.errno}`),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    results: rows,
    calls,
    ...(controller.signal.aborted ? { incomplete: "interrupted" } : {}),
  });
  if (v.json) writeOut(v.json, `${JSON.stringify(report, null, 2)}\n`);
  if (v.junit) writeOut(v.junit, sweepJUnit(report));
  process.stdout.write(sweepTable(report));
  return controller.signal.aborted ? 130 : sweepExitCode(report);
}
