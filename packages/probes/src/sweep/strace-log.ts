/**
 * Reading strace's log (`strace -f -q -y -o LOG`): every line is `PID  text`, a call split by
 * another thread's stop is `PID  name(args <unfinished ...>` then `PID  <... name resumed>rest`.
 */

/** One traced call, whole, in the order calls were entered across all threads. */
export interface TracedCall {
  /** Its place among the traced calls of the run, from 1, across every thread. */
  at: number;
  pid: number;
  name: string;
  /** The call as strace printed it, without the pid: `write(5</scratch/f>, "ab", 2) = 2`. */
  text: string;
  /** The return value when it is a number (-1 on an error). */
  ret: number | null;
  /** The errno name of a failed call. */
  errno: string | null;
  injected: boolean;
}

/** How the run's processes ended, from `+++ exited with N +++` / `+++ killed by SIG +++` lines. */
export interface TracedExit {
  pid: number;
  exitCode: number | null;
  signal: string | null;
}

const PID = /^(?:\[pid\s+)?(\d+)\]?\s+/;
const ENTRY = /^([a-z0-9_]+)\(/;
const RESUMED = /^<\.\.\. ([a-z0-9_]+) resumed>/;
const UNFINISHED = / <unfinished \.\.\.>$/;
const EXIT = /^\+\+\+ (?:exited with (\d+)|killed by (SIG[A-Z0-9]+)(?: \(core dumped\))?) \+\+\+$/;

function resultOf(text: string): { ret: number | null; errno: string | null } {
  const m = /\) += (-?\d+)(?: (E[A-Z0-9]+))?/.exec(text.slice(text.lastIndexOf(") =")));
  return { ret: m ? Number(m[1]) : null, errno: m?.[2] ?? null };
}

/**
 * Parses a log into the calls of the `names` syscalls (whole, in entry order) and the exits.
 *
 * @example
 * const { calls, exits } = parseStraceLog(readFileSync(LOG, "utf8"), ["write"]);
 * calls.filter((c) => c.injected) // every call strace failed, across threads
 */
export function parseStraceLog(
  text: string,
  names: readonly string[],
): { calls: TracedCall[]; exits: TracedExit[] } {
  const calls: TracedCall[] = [];
  const exits: TracedExit[] = [];
  const pending = new Map<number, TracedCall>();
  const finish = (c: TracedCall, text: string) => {
    // strace pads a result to a column: "379)              = ?" reads as "379) = ?"
    c.text = text.replace(/\) +(= (?:-?\d+|\?)[^=]*)$/, ") $1");
    Object.assign(c, resultOf(text));
    c.injected = text.endsWith("(INJECTED)");
  };
  for (const raw of text.split("\n")) {
    const p = PID.exec(raw);
    const pid = p ? Number(p[1]) : 0;
    const line = p ? raw.slice(p[0].length) : raw;
    const exit = EXIT.exec(line);
    if (exit) {
      exits.push({
        pid,
        exitCode: exit[1] === undefined ? null : Number(exit[1]),
        signal: exit[2] ?? null,
      });
      continue;
    }
    const resumed = RESUMED.exec(line);
    if (resumed) {
      const c = pending.get(pid);
      if (c && c.name === resumed[1]) {
        pending.delete(pid);
        finish(c, `${c.text}${line.slice(resumed[0].length)}`);
      }
      continue;
    }
    const entry = ENTRY.exec(line);
    if (!entry || !names.includes(entry[1] as string)) continue;
    const c: TracedCall = {
      at: calls.length + 1,
      pid,
      name: entry[1] as string,
      text: line,
      ret: null,
      errno: null,
      injected: false,
    };
    calls.push(c);
    if (UNFINISHED.test(line)) {
      c.text = line.replace(UNFINISHED, "");
      pending.set(pid, c);
    } else finish(c, line);
  }
  return { calls, exits };
}

/** How many bytes a write-family call asked to write, from its printed arguments. */
export function requestedBytes(c: TracedCall): number | null {
  const args = c.text.slice(0, c.text.lastIndexOf(") ="));
  if (c.name === "writev" || c.name === "pwritev" || c.name === "pwritev2") {
    let sum = 0;
    for (const m of args.matchAll(/iov_len=(\d+)/g)) sum += Number(m[1]);
    return sum;
  }
  // write(fd, buf, count); pwrite64(fd, buf, count, offset): count is last but one there.
  const m = c.name === "pwrite64" ? /, (\d+), \d+$/.exec(args) : /, (\d+)$/.exec(args);
  return m ? Number(m[1]) : null;
}

/** The write-family calls strace can watch for a disk sweep. */
export const WRITE_CALLS = ["write", "pwrite64", "writev", "pwritev", "pwritev2"] as const;

/** The path of a traced call's first argument, a descriptor (strace -y prints `5</path>`). */
export const fdPath = (c: TracedCall): string | null =>
  /^[a-z0-9_]+\(\d+<([^>]*)>/.exec(c.text)?.[1] ?? null;

/**
 * What the writes of a run did: the bytes they wrote and the first one that wrote less than
 * it asked (a short write) or failed.
 *
 * @example
 * writesOf(calls) // { written: 31930, short: 'write(5</scratch/f>, "..", 31930) = 12288' }
 */
export function writesOf(calls: TracedCall[]): { written: number; short: TracedCall | null } {
  let written = 0;
  let short: TracedCall | null = null;
  for (const c of calls) {
    if (c.ret !== null && c.ret >= 0) written += c.ret;
    const asked = requestedBytes(c);
    const bad = c.errno !== null || (c.ret !== null && asked !== null && c.ret < asked);
    if (bad && !short) short = c;
  }
  return { written, short };
}
