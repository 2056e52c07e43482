import { formatSize } from "../args/units.ts";
import type { Limits } from "../engine/container-spec.ts";
import type { ContainerExit } from "../engine/run-container.ts";

/** How much of the end of a command's output is kept to look for a fence's trace. */
const TAIL = 16 * 1024;

/**
 * The end of what a command printed, kept as it streams by, to tell afterwards which fence
 * (if any) ended it.
 *
 * @example
 * const tail = outputTail();
 * tail.add("Error: EMFILE: too many open files");
 * tail.text() // "Error: EMFILE: too many open files"
 */
export function outputTail(max = TAIL) {
  let kept = "";
  return {
    add(chunk: string | Buffer): void {
      kept = (kept + chunk.toString()).slice(-max);
    },
    text: () => kept,
  };
}

/** The traces each fence leaves in what a program prints, and what brink says of each. */
const TRACES: { test: RegExp; say: (l: Limits) => string }[] = [
  {
    test: /\bEMFILE\b|too many open files/i,
    say: (l) => `the nofile fence (${l.nofile}) was reached: EMFILE, too many open files`,
  },
  {
    test: /\bENOSPC\b|no space left on device/i,
    say: (l) =>
      `the disk fence (${formatSize(l.disk)} at /scratch) was reached: ENOSPC, no space left on device`,
  },
  {
    test: /(spawn|fork|clone|thread)[^\n]*\bEAGAIN\b|\bEAGAIN\b[^\n]*(spawn|fork|clone|thread)|pthread_create[^\n]*(resource temporarily unavailable|failed)/i,
    say: (l) => `the pids fence (${l.pids}) was reached: fork failed with EAGAIN`,
  },
  {
    test: /maximum call stack size exceeded/i,
    say: (l) =>
      `the stack fence (${formatSize(l.stack)}) was reached: maximum call stack size exceeded`,
  },
];

/**
 * The one line brink adds on stderr when a fence ended the command and the evidence shows
 * which: the engine's OOM kill, or the fence's own error in the last of what the command
 * printed (EMFILE, ENOSPC, EAGAIN from a fork, a stack overflow); a SIGKILL brink did not
 * send is said to be most likely the memory fence. null when the command succeeded, brink
 * ended it, or nothing shows a fence.
 *
 * @example
 * fenceLine({ exitCode: 137, oomKilled: true, ... }, limits, "") // "killed by the memory fence (128m): OOM"
 */
export function fenceLine(exit: ContainerExit, limits: Limits, printed: string): string | null {
  if (exit.oomKilled)
    return `killed by the memory fence (${formatSize(limits.memory)}): OOM, exit ${exit.exitCode ?? 137}`;
  if (exit.exitCode === 0 || exit.killedBy) return null;
  const trace = TRACES.find((t) => t.test.test(printed));
  if (trace) return trace.say(limits);
  // SIGKILL that brink did not send: the OOM killer, as a rule, even when the engine's flag
  // missed it (seen on cgroup v1 with an init in the container).
  if (exit.signal === "SIGKILL")
    return `ended by SIGKILL (exit ${exit.exitCode}), most likely by the memory fence (${formatSize(limits.memory)}): the engine reported no OOM kill`;
  return null;
}

/** What tini (the container's init) says when the command cannot be started. */
const TINI_EXEC_FAILED = /^\[FATAL tini \(\d+\)\] exec (.*) failed: (.*)$/m;

/**
 * The program tini could not start, from the first line the container wrote on stderr
 * (`[FATAL tini (7)] exec node failed: No such file or directory`), or null.
 *
 * @example
 * missingProgram("[FATAL tini (7)] exec node failed: No such file or directory\n") // "node"
 */
export function missingProgram(firstStderr: string): string | null {
  const m = TINI_EXEC_FAILED.exec(firstStderr.split("\n")[0] ?? "");
  return m ? (m[1] as string) : null;
}

/**
 * What to say when `entry` is not in the probe image: what the image has, and what to run
 * instead.
 *
 * @example
 * notInImage("node", ["-e", "1"]) // '"node" is not in the probe image ...; Bun runs Node programs: brink exec -- bun -e 1'
 */
export function notInImage(entry: string, rest: string[], line: (a: string[]) => string): string {
  const has = "it has bun, sleep and strace";
  const base = `"${entry}" is not a program in the probe image (${has})`;
  if (entry === "node" || entry === "nodejs")
    return `${base}; Bun runs Node programs: ${line(["brink", "exec", "--", "bun", ...rest])}`;
  if (entry === "bunx" || entry === "npx")
    return `${base}; use bun x: ${line(["brink", "exec", "--", "bun", "x", ...rest])}`;
  if (/^(ba|da|z|k)?sh$/.test(entry))
    return `${base}; there is no shell: put the commands in a script and run it with bun (${line(["brink", "exec", "--", "bun", "script.ts"])})`;
  return `${base}; run scripts with bun, e.g. ${line(["brink", "exec", "--", "bun", "script.ts"])}`;
}
