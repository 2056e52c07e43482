#!/usr/bin/env bun
/**
 * In-container driver of one sweep step. Runs CMD under strace with one fault, reaps its
 * whole process tree, runs the check command on the same /scratch, and sends one signed
 * `{event:"step",...}` (see `StepEvent`).
 *
 *   bun driver.ts --fault write:ENOSPC|write:KILL|disk:full --n N [--baseline]
 *                 [--path P]... [--check "CMD"] [--timeout MS] -- CMD ARGS...
 *
 * `write:ENOSPC` fails each thread's Nth matching call (strace counts per thread);
 * `write:KILL` SIGKILLs the program on entering its Nth matching call; `disk:full` fills
 * /scratch so that N bytes stay free and watches the writes. `--baseline` runs the command
 * with no fault, to count its calls (or the bytes it writes).
 */
import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { openChannel } from "../channel.ts";
import { type ChildEnd, runChild } from "../run-child.ts";
import { killOthers } from "../runner/container-reset.ts";
import { writeAllSync } from "../write-events.ts";
import { fillLeaving, freeBytes } from "./ballast.ts";
import { splitCommand } from "./split-command.ts";
import { fdPath, parseStraceLog, type TracedCall, WRITE_CALLS, writesOf } from "./strace-log.ts";

const LOG = process.env.BRINK_SWEEP_LOG ?? "/brink/strace.log";
const SCRATCH = process.env.BRINK_SCRATCH ?? "/scratch";
/** At most this many failed calls are listed in a step (the count is always whole). */
export const MAX_INJECTIONS = 100;
const CALL_CHARS = 300;

/** What the driver sends for one step. */
export interface StepEvent {
  event: "step";
  fault: string;
  n: number;
  baseline: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stderr: string;
  /** Matching calls of the run, across its threads (disk:full: its write calls under the paths). */
  calls: number;
  /** Threads and processes that made matching calls. */
  threads: number;
  /** Every call the fault failed (at most MAX_INJECTIONS), `at` its place among the run's calls. */
  injections: { at: number; call: string }[];
  injectedCount: number;
  /** disk:full: bytes free on /scratch when the command started, bytes its writes wrote, and the first short or failed write. */
  free: number | null;
  written: number | null;
  short: string | null;
  check: (Omit<ChildEnd, "stdout"> & { stdout: string }) | null;
}

const clip = (s: string) => s.slice(0, CALL_CHARS);

/** The program strace started (strace's child), once it can be seen. */
function childOf(parent: number): number | null {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent) return Number(name);
    } catch {}
  }
  return null;
}

/**
 * Watches strace's program: over once the program itself has been gone for a moment, even
 * when strace still waits on a detached child of it.
 */
function programWatch() {
  let main: number | null = null;
  let goneAt = 0;
  return {
    get main() {
      return main;
    },
    over(strace: number): boolean {
      main ??= childOf(strace);
      if (main === null) return false;
      let alive = false;
      try {
        const stat = readFileSync(`/proc/${main}/stat`, "utf8");
        alive = stat[stat.lastIndexOf(")") + 2] !== "Z";
      } catch {}
      if (alive) return false;
      goneAt ||= performance.now();
      return performance.now() - goneAt > 300;
    },
  };
}

/** Builds the step event from how strace ended, its log, and the check. */
export function stepEvent(a: {
  fault: string;
  n: number;
  baseline: boolean;
  end: ChildEnd;
  main: number | null;
  log: string;
  paths: string[];
  free: number | null;
  check: ChildEnd | null;
}): StepEvent {
  const [syscall = "", kind = ""] = a.fault.split(":");
  const disk = syscall === "disk";
  const parsed = parseStraceLog(a.log, disk ? WRITE_CALLS : [syscall]);
  let calls: TracedCall[] = parsed.calls;
  if (disk && !a.paths.length) calls = calls.filter((c) => fdPath(c)?.startsWith(`${SCRATCH}/`));
  // The program's own end, when strace outlived it (a detached child) and was killed.
  const own = parsed.exits.find((e) => e.pid === a.main);
  const status = own && !a.end.timedOut ? own : { exitCode: a.end.exitCode, signal: a.end.signal };
  const injected =
    kind === "KILL"
      ? // strace logs no result for a call whose caller it killed on entry: the last call of
        // the killed thread is the one.
        calls.filter((c) => c.injected || (c.ret === null && !a.baseline && killedOn(c, parsed)))
      : calls.filter((c) => c.injected);
  const writes = disk ? writesOf(calls) : null;
  return {
    event: "step",
    fault: a.fault,
    n: a.n,
    baseline: a.baseline,
    exitCode: status.exitCode,
    signal: status.signal,
    timedOut: a.end.timedOut,
    stderr: a.end.stderr,
    calls: calls.length,
    threads: new Set(calls.map((c) => c.pid)).size,
    injections: injected.slice(0, MAX_INJECTIONS).map((c) => ({ at: c.at, call: clip(c.text) })),
    injectedCount: injected.length,
    free: a.free,
    written: writes?.written ?? null,
    short: writes?.short ? clip(writes.short.text) : null,
    check: a.check,
  };
}

/** Whether `c` is the last call its thread entered, and that thread was killed. */
function killedOn(c: TracedCall, log: ReturnType<typeof parseStraceLog>): boolean {
  const last = log.calls.findLast((x) => x.pid === c.pid);
  return last === c && log.exits.some((e) => e.pid === c.pid && e.signal === "SIGKILL");
}

/** The strace command line for one step. */
export function straceArgs(fault: string, n: number, baseline: boolean, paths: string[]) {
  const [syscall = "", kind = ""] = fault.split(":");
  const disk = syscall === "disk";
  const trace = disk ? WRITE_CALLS.join(",") : syscall;
  const args = ["strace", "-f", "-q", "-y", "-o", LOG, "-e", `trace=${trace}`];
  if (!disk && !baseline) {
    const what = kind === "KILL" ? "signal=KILL" : `error=${kind}`;
    args.push("-e", `inject=${syscall}:${what}:when=${n}`);
  }
  for (const p of paths) args.push("-P", p);
  return args;
}

if (import.meta.main) {
  // The hello goes out first: the program under test has not started yet. Its stdout and
  // stderr are captured below; only this process signs what reaches the host.
  const channel = openChannel((line) => writeAllSync(1, line));
  const cut = process.argv.indexOf("--");
  const { values: v } = parseArgs({
    args: process.argv.slice(2, cut < 0 ? undefined : cut),
    options: {
      fault: { type: "string" },
      n: { type: "string" },
      baseline: { type: "boolean" },
      path: { type: "string", multiple: true },
      check: { type: "string" },
      timeout: { type: "string" },
    },
    strict: true,
  });
  const cmd = cut < 0 ? [] : process.argv.slice(cut + 1);
  const fault = v.fault ?? "";
  const n = Number(v.n ?? 0);
  const baseline = v.baseline ?? false;
  const paths = v.path ?? [];
  const timeoutMs = Number(v.timeout ?? 30_000);
  let free: number | null = null;
  if (fault === "disk:full") free = baseline ? freeBytes(SCRATCH) : fillLeaving(SCRATCH, n);
  const watch = programWatch();
  // Everything in the container but init and this driver goes when the program ends, times
  // out, or leaves strace waiting: strace, the program, its threads and detached children.
  const end = await runChild([...straceArgs(fault, n, baseline, paths), "--", ...cmd], timeoutMs, {
    reap: () => killOthers(),
    over: (pid) => watch.over(pid),
  });
  let log = "";
  try {
    log = readFileSync(LOG, "utf8");
  } catch {}
  const check = v.check
    ? await runChild(splitCommand(v.check), timeoutMs, { reap: () => killOthers() })
    : null;
  channel.send(stepEvent({ fault, n, baseline, end, main: watch.main, log, paths, free, check }));
  // Nothing is left to wait for: the container ends with the answer sent.
  process.exit(0);
}
