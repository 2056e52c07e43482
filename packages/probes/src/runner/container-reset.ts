import { chmodSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Pids in this pid namespace other than init (1) and `self`, skipping zombies. */
export function otherPids(self = process.pid, proc = "/proc"): number[] {
  const out: number[] = [];
  for (const name of readdirSync(proc)) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 1 || pid === self) continue;
    try {
      // "pid (comm) S ...": the state is the first field after the last ')'.
      const stat = readFileSync(join(proc, name, "stat"), "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z") continue;
    } catch {
      continue; // gone already
    }
    out.push(pid);
  }
  return out;
}

/**
 * SIGKILLs every process in the container but init and the runner: whatever a probe left
 * (detached children, daemons, a worker stuck in a loop) ends before the next probe starts.
 * Returns how many it killed.
 *
 * @example
 * const left = await killOthers(); // 0 when the probe cleaned up after itself
 */
export async function killOthers(deadlineMs = 3000): Promise<number> {
  const end = performance.now() + deadlineMs;
  let killed = 0;
  for (;;) {
    const pids = otherPids();
    if (!pids.length || performance.now() > end) return killed;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
        killed++;
      } catch {}
    }
    await Bun.sleep(5);
  }
}

/** Makes every directory below `dir` writable again (a probe may chmod its files 0). */
function unlock(dir: string): void {
  try {
    chmodSync(dir, 0o700);
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory()) unlock(join(dir, e.name));
  } catch {}
}

/**
 * Empties a directory (the scratch tmpfs, /dev/shm) without removing it, so the next probe
 * starts with every byte of the disk fence free and nothing a previous probe wrote.
 *
 * @example
 * emptyDir("/scratch");
 */
export function emptyDir(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const p = join(dir, name);
    try {
      rmSync(p, { recursive: true, force: true });
    } catch {
      unlock(p);
      try {
        rmSync(p, { recursive: true, force: true });
      } catch {}
    }
  }
}
