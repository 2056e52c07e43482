import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's start time (USER_HZ: 100 on every Linux). */
const USER_HZ = 100;

let bootMs: number | null | undefined;

/** When this Linux machine booted, from /proc/stat's btime; null elsewhere. */
function bootTimeMs(): number | null {
  if (bootMs !== undefined) return bootMs;
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1];
    bootMs = btime ? Number(btime) * 1000 : null;
  } catch {
    bootMs = null;
  }
  return bootMs;
}

/** Parses `ps -o etime=` ([[dd-]hh:]mm:ss) into milliseconds. */
export function parseElapsed(etime: string): number | null {
  const m = /^(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)$/.exec(etime.trim());
  if (!m) return null;
  const [, d = "0", h = "0", min = "0", s = "0"] = m;
  return (((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000;
}

/**
 * When process `pid` started, in ms since the epoch; null when no such process runs (a
 * zombie counts as gone); undefined when this system cannot tell (then it must be
 * assumed alive). Linux reads /proc; other systems ask `ps`.
 *
 * @example
 * processStartMs(process.pid) // e.g. 1767000000000
 */
export function processStartMs(pid: number): number | null | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const boot = bootTimeMs();
  if (boot !== null) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      return null;
    }
    // The command name (field 2) may hold spaces and parentheses: count from the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return null;
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? boot + (ticks * 1000) / USER_HZ : undefined;
  }
  try {
    const ps = Bun.spawnSync(["ps", "-o", "etime=", "-p", String(pid)], { stderr: "ignore" });
    if (ps.exitCode !== 0) return null;
    const elapsed = parseElapsed(ps.stdout.toString());
    return elapsed === null ? undefined : Date.now() - elapsed;
  } catch {
    return undefined;
  }
}
