import { parseArgs } from "node:util";
import { LIMIT_OPTIONS, limitsFromFlags, SWEEP_MINIMUM } from "../args/limits.ts";
import { parseConcurrency, resolveProject } from "../args/plan.ts";
import { parseCount, parseDuration, parseSize } from "../args/units.ts";
import { diskWithinMemory, splitAtDashes } from "../commands/exec.ts";
import { parseOrUsage } from "../commands/parse.ts";
import type { Limits } from "../engine/container-spec.ts";
import { BrinkError } from "../errors.ts";
import { parseCheck } from "./sweep-check.ts";

/** The system calls a sweep can fail (or kill the program on). */
export const SYSCALLS = [
  "write",
  "pwrite64",
  "writev",
  "pwritev",
  "openat",
  "fsync",
  "fdatasync",
  "ftruncate",
  "fallocate",
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
/** The errors a sweep can fail them with. */
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

/**
 * One fault: a system call and the errno to fail it with, `KILL` (SIGKILL the program on
 * entering the call: a crash point), or `disk:full` (a real full disk, budget by budget).
 */
export interface Fault {
  syscall: string;
  errno: string;
}

/** What a fault does: fail a call, kill on a call, or fill the disk. */
export type FaultKind = "errno" | "kill" | "disk";

export const faultName = (f: Fault) => `${f.syscall}:${f.errno}`;
export const faultKind = (f: Fault): FaultKind =>
  f.syscall === "disk" ? "disk" : f.errno === "KILL" ? "kill" : "errno";

/** Everything a sweep needs; `brink sweep` flags produce one. */
export interface SweepPlan {
  faults: Fault[];
  command: string[];
  paths: string[];
  check?: string;
  /** Most runs per fault (N up to max; disk:full: this many budgets). */
  max: number;
  /** disk:full: bytes between two budgets. @default PAGE */
  step?: number;
  timeoutMs: number;
  concurrency: number;
  limits: Limits;
  project: string;
  /** Containers get a private writable copy of the project. */
  writableProject?: boolean;
}

/** The page size: tmpfs gives room in pages, so the default step of a disk:full sweep. */
export const PAGE = 4096;

/**
 * Parses `--fault write:ENOSPC,fsync:EIO,write:KILL,disk:full` into checked faults.
 *
 * @example
 * parseFaults("write:KILL,disk:full") // [{syscall:"write",errno:"KILL"},{syscall:"disk",errno:"full"}]
 */
export function parseFaults(value: string | undefined): Fault[] {
  if (!value)
    throw new BrinkError(
      "USAGE",
      "brink sweep needs --fault SYSCALL:ERRNO, SYSCALL:KILL or disk:full, e.g. --fault write:ENOSPC",
    );
  const faults = value.split(",").map((f) => {
    const [syscall = "", errno = "", extra] = f.trim().split(":");
    const disk = syscall === "disk" && errno === "full";
    const ok = SYSCALLS.includes(syscall) && (ERRNOS.includes(errno) || errno === "KILL");
    if (extra !== undefined || !(disk || ok)) {
      throw new BrinkError(
        "USAGE",
        `--fault "${f}" is not SYSCALL:ERRNO, SYSCALL:KILL or disk:full, with SYSCALL one of ${SYSCALLS.join(", ")} and ERRNO one of ${ERRNOS.join(", ")}`,
      );
    }
    return { syscall, errno };
  });
  const names = faults.map(faultName);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new BrinkError("USAGE", `--fault names ${twice} twice`);
  return faults;
}

const OPTIONS = {
  ...LIMIT_OPTIONS,
  project: { type: "string" },
  "writable-project": { type: "boolean" },
  fault: { type: "string" },
  path: { type: "string", multiple: true },
  max: { type: "string" },
  step: { type: "string" },
  check: { type: "string" },
  timeout: { type: "string" },
  concurrency: { type: "string" },
  json: { type: "string" },
  junit: { type: "string" },
} as const;

/**
 * Turns `brink sweep` flags into a plan; every bad value is a usage error.
 *
 * @example
 * sweepPlanFromArgs(["--fault", "disk:full", "--check", "bun check.ts", "--", "bun", "save.ts"])
 */
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
  const limits = diskWithinMemory(limitsFromFlags(v, SWEEP_MINIMUM), v.disk !== undefined);
  if (v.check !== undefined) parseCheck("--check", v.check);
  for (const p of v.path ?? []) {
    if (!p.startsWith("/"))
      throw new BrinkError(
        "USAGE",
        `--path ${p} must be absolute inside the container, e.g. /scratch/data.json`,
      );
  }
  if (v.step !== undefined && !faults.some((f) => faultKind(f) === "disk"))
    throw new BrinkError("USAGE", "--step is the budget step of --fault disk:full; add that fault");
  return {
    faults,
    command,
    paths: v.path ?? [],
    check: v.check,
    max: v.max ? parseCount("--max", v.max, 100_000) : 500,
    step: v.step ? parseSize("--step", v.step) : PAGE,
    timeoutMs: v.timeout ? parseDuration("--timeout", v.timeout) : 30_000,
    concurrency: parseConcurrency(v.concurrency),
    limits,
    project: resolveProject(v.project),
    writableProject: v["writable-project"] ?? false,
    json: v.json,
    junit: v.junit,
  };
}
