import { parseArgs } from "node:util";
import type { FenceSummary } from "@brink/guard";
import { LIMIT_OPTIONS, limitsFromFlags } from "../args/limits.ts";
import { resolveProject } from "../args/plan.ts";
import { formatSize } from "../args/units.ts";
import type { Limits } from "../engine/container-spec.ts";
import { trapInterrupts } from "../engine/interrupts.ts";
import { liveContainers } from "../engine/live-containers.ts";
import { type ProjectAccess, projectAccess } from "../engine/project-access.ts";
import { runContainer } from "../engine/run-container.ts";
import { openSession } from "../engine/session.ts";
import { BrinkError } from "../errors.ts";
import { writeOut } from "../report/write-reports.ts";
import { parseOrUsage } from "./parse.ts";

/** Splits argv at `--`: brink's flags before, the command after. */
export function splitAtDashes(argv: string[]): { flags: string[]; command: string[] } {
  const i = argv.indexOf("--");
  return i < 0
    ? { flags: argv, command: [] }
    : { flags: argv.slice(0, i), command: argv.slice(i + 1) };
}

/** A disk fence the memory fence cannot carry: tmpfs pages are charged to memory. */
export function checkDiskFitsMemory(limits: Limits): void {
  if (limits.disk >= limits.memory) {
    throw new BrinkError(
      "USAGE",
      `--disk ${formatSize(limits.disk)} cannot be honoured under --memory ${formatSize(limits.memory)}: tmpfs pages count against memory, so the disk would end in an OOM kill, not ENOSPC; raise --memory above ${formatSize(limits.disk + 64 * 2 ** 20)} or lower --disk`,
    );
  }
}

/**
 * `brink exec [limits] -- CMD ARGS...`: CMD in one fenced container; exits with its code.
 *
 * @example
 * process.exitCode = await execCommand(["--memory", "96m", "--", "bun", "test"]);
 */
export async function execCommand(argv: string[]): Promise<number> {
  const { flags, command } = splitAtDashes(argv);
  const { values: v } = parseOrUsage(
    () =>
      parseArgs({
        args: flags,
        options: {
          ...LIMIT_OPTIONS,
          project: { type: "string" },
          "writable-project": { type: "boolean" },
          json: { type: "string" },
        },
        strict: true,
      }),
    flags,
  );
  if (!command.length)
    throw new BrinkError(
      "USAGE",
      "brink exec needs a command after --, e.g. brink exec -- bun test",
    );
  const limits = limitsFromFlags(v);
  checkDiskFitsMemory(limits);
  const project = resolveProject(v.project);
  const session = await openSession();
  const trap = trapInterrupts();
  const [entry, ...rest] = command as [string, ...string[]];
  let mount: ProjectAccess | undefined;
  try {
    mount = await projectAccess(session, project, {
      writable: v["writable-project"],
      signal: trap.signal,
    });
    const exit = await runContainer(
      session.docker,
      {
        image: mount.image,
        runId: session.runId,
        entrypoint: [entry],
        cmd: rest,
        limits,
        project: mount.project,
        projectWritable: mount.writable,
        user: mount.user,
      },
      {
        onStdout: (b) => process.stdout.write(b),
        onStderr: (s) => process.stderr.write(s),
        signal: trap.signal,
      },
    );
    const code = exit.exitCode ?? 1;
    if (v.json) {
      // The limits the container was created with: the same six numbers a fence summary has.
      const fence: FenceSummary = { ...limits };
      writeOut(
        v.json,
        `${JSON.stringify({ version: 1, command, exitCode: code, signal: exit.signal, oomKilled: exit.oomKilled, durationMs: exit.durationMs, fence }, null, 2)}\n`,
      );
    }
    if (trap.stopped) return trap.stopped.code;
    return code;
  } catch (e) {
    if (
      e instanceof BrinkError &&
      e.code === "ENGINE_REFUSED" &&
      /executable file not found|no such file/i.test(e.message) &&
      !/catatonit|container-init/i.test(e.message)
    ) {
      throw new BrinkError(
        "USAGE",
        `brink exec: "${entry}" is not a program in the probe image (it has bun, sleep and strace; run scripts with bun)`,
      );
    }
    throw e;
  } finally {
    trap.release();
    await liveContainers.removeAll();
    await mount?.cleanup();
  }
}
