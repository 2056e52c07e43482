import { parseArgs } from "node:util";
import type { FenceSummary } from "@brink/guard";
import {
  CHECKED_COMMAND_MINIMUM,
  COMMAND_MINIMUM,
  LIMIT_OPTIONS,
  limitsFromFlags,
} from "../args/limits.ts";
import { resolveProject } from "../args/plan.ts";
import { shellLine } from "../args/shell-quote.ts";
import { formatSize, parseDuration } from "../args/units.ts";
import type { Limits } from "../engine/container-spec.ts";
import { outputSink } from "../engine/output-sink.ts";
import type { ContainerExit } from "../engine/run-container.ts";
import { openRunScope } from "../engine/run-scope.ts";
import { BrinkError } from "../errors.ts";
import {
  checkedCommand,
  checkedStdout,
  type ExecCheck,
  parseCheck,
} from "../orchestrate/sweep-check.ts";
import { cleanTerminalLines } from "../report/escape.ts";
import { checkOutputs, writeOut } from "../report/write-reports.ts";
import { fenceLine, missingProgram, notInImage, outputTail } from "./exec-evidence.ts";
import { parseOrUsage } from "./parse.ts";

/** Exit code of `brink exec` when --timeout ended the command (as timeout(1)). */
export const HUNG_CODE = 124;

/** The flags of `brink exec`. */
export const EXEC_OPTIONS = {
  ...LIMIT_OPTIONS,
  project: { type: "string" },
  "writable-project": { type: "boolean" },
  timeout: { type: "string" },
  check: { type: "string" },
  json: { type: "string" },
} as const;

/**
 * A command given without `--` (`brink exec ls -l`): a usage error that shows the line
 * with the `--` where it belongs.
 */
function commandBeforeDashes(flags: string[], word: string): BrinkError {
  const { tokens } = parseArgs({
    args: flags,
    options: EXEC_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const at = tokens.find((t) => t.kind === "positional")?.index ?? flags.indexOf(word);
  const line = shellLine(["brink", "exec", ...flags.slice(0, at), "--", ...flags.slice(at)]);
  return new BrinkError("USAGE", `put the command after --: ${line}`);
}

/** Splits argv at `--`: brink's flags before, the command after. */
export function splitAtDashes(argv: string[]): { flags: string[]; command: string[] } {
  const i = argv.indexOf("--");
  return i < 0
    ? { flags: argv, command: [] }
    : { flags: argv.slice(0, i), command: argv.slice(i + 1) };
}

/**
 * The disk fence of a one-container command (exec, sweep, squeeze) within its memory fence:
 * tmpfs pages are charged to memory, so a disk as large as the memory would end in an OOM
 * kill, not ENOSPC. When `--disk` was not given, the default shrinks to half the memory
 * (`--memory 64m` alone gets a 32m disk); a `--disk` the user gave that does not fit is a
 * usage error.
 *
 * @example
 * diskWithinMemory({ ...DEFAULT_LIMITS, memory: 64 * MiB }, false).disk // 32 MiB
 */
export function diskWithinMemory(limits: Limits, diskGiven: boolean): Limits {
  if (limits.disk < limits.memory) return limits;
  if (!diskGiven) {
    const half = Math.floor(limits.memory / 2 / 2 ** 20) * 2 ** 20;
    return { ...limits, disk: Math.max(2 ** 20, half) };
  }
  throw new BrinkError(
    "USAGE",
    `--disk ${formatSize(limits.disk)} cannot be honoured under --memory ${formatSize(limits.memory)}: tmpfs pages count against memory, so the disk would end in an OOM kill, not ENOSPC; raise --memory above ${formatSize(limits.disk)} (with room for the program) or lower --disk`,
  );
}

/** How the command ended: on its own, killed by the memory fence, past --timeout, stopped with brink, or never started. */
export type ExecOutcome = "exited" | "oom-killed" | "hung" | "interrupted" | "not-run";

/** `brink exec --json`'s document (DESIGN.md). */
export interface ExecReport {
  version: 1;
  command: string[];
  exitCode: number | null;
  /** The signal the exit code probably means (128 + n), or null. */
  signal: string | null;
  oomKilled: boolean;
  durationMs: number;
  fence: FenceSummary;
  outcome: ExecOutcome;
  /** Why brink ended the command: a signal's name, "timeout" or "reader closed"; null when it did not. */
  interruptedBy: string | null;
  /** Why brink could not run it (outcome "not-run"). */
  error?: string;
  /** `--check CMD`: how the check, run after the command in the same container, ended (null when it did not run). */
  check?: { exitCode: number | null; output: string } | null;
}

/**
 * `brink exec [limits] [--timeout D] -- CMD ARGS...`: CMD in one fenced container. Its
 * output passes through with backpressure; brink exits with its code, 124 past --timeout,
 * 130/143/129/131 when stopped by a signal, 141 when brink's reader went away.
 *
 * @example
 * process.exitCode = await execCommand(["--memory", "96m", "--timeout", "2m", "--", "bun", "test"]);
 */
export async function execCommand(argv: string[]): Promise<number> {
  const { flags, command } = splitAtDashes(argv);
  const { values: v } = parseOrUsage(
    () => parseArgs({ args: flags, options: EXEC_OPTIONS, strict: true }),
    flags,
    (word) => commandBeforeDashes(flags, word),
  );
  if (!command.length)
    throw new BrinkError("USAGE", "exec needs a command after --, e.g. brink exec -- bun test");
  // --check runs the command under a Bun wrapper: two Bun processes share the fence.
  const floors = v.check === undefined ? COMMAND_MINIMUM : CHECKED_COMMAND_MINIMUM;
  const limits = diskWithinMemory(limitsFromFlags(v, floors), v.disk !== undefined);
  const timeoutMs = v.timeout === undefined ? null : parseDuration("--timeout", v.timeout);
  const project = resolveProject(v.project);
  if (v.json) checkOutputs({ json: v.json });
  const checkLine = v.check === undefined ? null : parseCheck("--check", v.check);
  const [entry, ...rest] = command as [string, ...string[]];
  const say = (line: string) => process.stderr.write(`brink: ${line}\n`);
  const notFound = (program: string) =>
    new BrinkError("USAGE", notInImage(program, rest, shellLine));
  // The limits the container is created with: the same six numbers a fence summary has.
  const report = (
    exit: ContainerExit | null,
    outcome: ExecOutcome,
    by: string | null,
    error?: string,
  ) => {
    if (!v.json) return;
    const doc: ExecReport = {
      version: 1,
      command,
      exitCode: exit?.exitCode ?? null,
      signal: exit?.signal ?? null,
      oomKilled: exit?.oomKilled ?? false,
      durationMs: exit?.durationMs ?? 0,
      fence: { ...limits },
      outcome,
      interruptedBy: by,
      ...(error === undefined ? {} : { error }),
      ...(checkLine === null ? {} : { check: checkOf(out?.check ?? null) }),
    };
    writeOut(v.json, `${JSON.stringify(doc, null, 2)}\n`);
  };

  await using scope = openRunScope();
  // The command's own stop: the scope's (signal, closed reader) or --timeout.
  const stop = new AbortController();
  const follow = () => stop.abort(scope.signal.reason);
  scope.signal.addEventListener("abort", follow, { once: true });
  let timer: Timer | undefined;
  let exit: ContainerExit | null = null;
  // What the command printed last (to name the fence that ended it), and its first stderr
  // line held back until it is known not to be init's "could not start the command".
  const tail = outputTail();
  const toStdout = outputSink(process.stdout, stop.signal);
  // --check: a wrapper runs the command, then the check, and signs the check's result on
  // stdout; its lines are taken out of what passes through.
  const out = checkLine === null ? null : checkedStdout((chunk) => toStdout(chunk));
  const toStderr = outputSink(process.stderr, stop.signal);
  let head: string | null = "";
  let missing: string | null = null;
  const firstLine = async (flush: boolean) => {
    const text = head ?? "";
    if (!flush && !text.includes("\n") && text.length < 512) return;
    head = null;
    missing = missingProgram(text);
    const rest = missing ? text.slice(text.indexOf("\n") + 1) : text;
    if (rest) await toStderr(rest);
  };
  try {
    const { session, access } = await scope.project(project, { writable: v["writable-project"] });
    if (scope.signal.aborted) throw new BrinkError("INTERRUPTED", String(scope.signal.reason));
    if (timeoutMs !== null) timer = setTimeout(() => stop.abort("timeout"), timeoutMs);
    const run =
      checkLine === null
        ? { entrypoint: [entry], cmd: rest }
        : checkedCommand(command, checkLine, timeoutMs ?? 30_000);
    exit = await session.engine.run(
      {
        image: access.image,
        runId: session.runId,
        ...run,
        limits,
        project: access.project,
        projectWritable: access.writable,
        user: access.user,
      },
      {
        onStdout: (chunk) => {
          tail.add(chunk);
          return out ? out.write(chunk) : toStdout(chunk);
        },
        onStderr: (text) => {
          tail.add(text);
          if (head === null) return toStderr(text);
          head += text;
          return firstLine(false);
        },
        signal: stop.signal,
      },
    );
    if (head !== null) await firstLine(true);
    await out?.end();
    const c = out?.check;
    if (c && "missing" in c) missing = c.missing;
  } catch (e) {
    const stopped = scope.stopped;
    if (stopped) {
      report(exit, "interrupted", stopped.name, (e as Error).message);
      return stopped.code;
    }
    report(exit, "not-run", null, (e as Error).message);
    if (
      e instanceof BrinkError &&
      e.code === "ENGINE_REFUSED" &&
      /executable file not found|no such file/i.test(e.message) &&
      !/catatonit|container-init/i.test(e.message)
    ) {
      throw notFound(entry);
    }
    throw e;
  } finally {
    clearTimeout(timer);
    scope.signal.removeEventListener("abort", follow);
  }
  const stopped = scope.stopped;
  if (stopped) {
    report(exit, "interrupted", stopped.name);
    return stopped.code;
  }
  if (stop.signal.aborted && exit.killedBy === "timeout") {
    report(exit, "hung", "timeout");
    say(`--timeout ${v.timeout} passed: the command was ended (exit ${HUNG_CODE})`);
    return HUNG_CODE;
  }
  if (missing !== null && exit.exitCode === 127) {
    const e = notFound(missing);
    report(exit, "not-run", null, e.message);
    throw e;
  }
  report(exit, exit.oomKilled ? "oom-killed" : "exited", null);
  const fence = fenceLine(exit, limits, tail.text());
  if (fence) say(fence);
  const check = checkOf(out?.check ?? null);
  if (checkLine !== null && exit.exitCode === 0) {
    // The command succeeded: the check decides.
    if (!check) say("--check gave no result (exit 1)");
    else if (check.exitCode !== 0) {
      if (check.output) process.stderr.write(`${cleanTerminalLines(check.output, "  ")}\n`);
      say(`--check failed (exit ${check.exitCode ?? "by a signal"}): ${checkLine}`);
    }
    return check ? (check.exitCode ?? 1) : 1;
  }
  return exit.exitCode ?? 1;
}

/** The check as the exec report shows it: its code (null when it hung or was killed) and the end of its output. */
function checkOf(c: ExecCheck | null): ExecReport["check"] {
  if (!c || "missing" in c) return null;
  return { exitCode: c.timedOut ? null : c.exitCode, output: c.output };
}
