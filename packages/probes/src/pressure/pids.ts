import { CLASS_BRAND } from "@brink/guard";
import type { Subprocess } from "bun";
import { errorCode } from "../errors.ts";
import { Pressure } from "./pressure.ts";
import { positive, requireFence } from "./require-fence.ts";

/** Options of {@link spawnProcesses}. */
export interface SpawnProcessesOptions {
  /** Stop at this many processes; without it, go until spawning fails (EAGAIN). */
  target?: number;
  /** The command each process runs; it should wait quietly. @default ["sleep", "300"] */
  command?: string[];
  /**
   * After spawning fails, kill this many of the newest children at once: Bun aborts when it
   * cannot start a thread of its own (seen: SIGILL panic), so leave it room.
   * @default 8
   */
  margin?: number;
}

/** Processes held alive until released (killed and reaped). */
export class PidsPressure extends Pressure {
  static override readonly [CLASS_BRAND] = "PidsPressure";
  constructor(
    readonly spawned: number,
    /** The error that stopped spawning (e.g. "EAGAIN"), or null when the target was reached. */
    readonly error: string | null,
    readonly limit: number | null,
    private readonly children: Subprocess[],
  ) {
    super();
  }

  /** How many children were reaped by release(). */
  reaped = 0;

  protected async free(): Promise<void> {
    for (const c of this.children) c.kill("SIGKILL");
    await Promise.all(this.children.map((c) => c.exited));
    this.reaped = this.children.length;
  }
}

/**
 * Spawns processes until the pids fence says no (EAGAIN) or `target` is reached.
 *
 * @example
 * await using procs = await spawnProcesses({});
 * console.log(procs.spawned, procs.error); // 80 "EAGAIN"
 */
export async function spawnProcesses(options: SpawnProcessesOptions = {}): Promise<PidsPressure> {
  const { fences } = requireFence("pids", "spawnProcesses");
  const target = Math.floor(positive("target", options.target) ?? Number.POSITIVE_INFINITY);
  const command = options.command ?? ["sleep", "300"];
  const children: Subprocess[] = [];
  let error: string | null = null;
  while (children.length < target) {
    try {
      children.push(Bun.spawn(command, { stdin: "ignore", stdout: "ignore", stderr: "ignore" }));
    } catch (e) {
      error = errorCode(e);
      break;
    }
  }
  const spawned = children.length;
  if (error) for (const c of children.slice(-(options.margin ?? 8))) c.kill("SIGKILL");
  return new PidsPressure(spawned, error, fences.pids, children);
}
