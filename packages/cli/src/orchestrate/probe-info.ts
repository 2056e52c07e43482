import type { Category, Expectation, ProbeMeta } from "@brink/probes/host";
import { builtinProbes } from "@brink/probes/suite";
import { DEFAULT_LIMITS } from "../args/limits.ts";
import { type ProjectAccess, projectAccess } from "../engine/project-access.ts";
import { type EngineSession, openSession } from "../engine/session.ts";
import { VERSION } from "../version.ts";
import { listSuites } from "./list-suites.ts";
import { limitsFor } from "./run-plan.ts";

/** What the host knows of a probe (its code runs only in the container). */
export interface ProbeInfo {
  id: string;
  category: Category;
  title: string;
  expected: Expectation;
  /** The timeout it runs under: its own (default 30 s), capped by --timeout. */
  timeoutMs: number;
}

/** A probe's timeout when it sets none. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The host's view of a probe, with its timeout capped by `cap` (the CLI's --timeout). */
export function infoOf(p: ProbeMeta, cap: number | null): ProbeInfo {
  const own = p.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    id: p.id,
    category: p.category,
    title: p.title,
    expected: p.expected,
    timeoutMs: cap ? Math.min(own, cap) : own,
  };
}

/**
 * Lists the probes of a plan in `categories` (all when omitted): the built-in suite, or
 * the given suite files, whose definitions are read by the runner in a fenced container
 * (cached by content): suite code never runs on the host. A suite that does not load or
 * defines its probes wrongly is a usage error.
 *
 * @example
 * const probes = await probeInfos([], null, ["fd"]);
 */
export async function probeInfos(
  suites: string[],
  cap: number | null,
  categories?: Category[],
  where: {
    project?: string;
    /** The command's session: listing a suite needs the engine (cached answers do not). */
    session?: () => Promise<EngineSession>;
    /** The project as the command's containers see it, when the command has it already. */
    access?: ProjectAccess;
    signal?: AbortSignal;
  } = {},
): Promise<ProbeInfo[]> {
  const project = where.project ?? process.cwd();
  const metas: ProbeMeta[] = suites.length
    ? await listSuites(
        suites,
        project,
        async () => {
          const session = await (where.session ?? (() => openSession()))();
          // The command's own view of the project when it has one: a copy (remote engine, an
          // unreadable project) is made once for the run, not again for the listing.
          const mount =
            where.access ?? (await projectAccess(session, project, { signal: where.signal }));
          return {
            run: session.engine.run,
            image: mount.image,
            project: mount.project,
            user: mount.user,
            runId: session.runId,
            limits: limitsFor("disk", DEFAULT_LIMITS),
            signal: where.signal,
            close: where.access ? async () => {} : mount.cleanup,
          };
        },
        VERSION,
      )
    : builtinProbes;
  const out = metas.map((p) => infoOf(p, cap));
  return categories ? out.filter((p) => categories.includes(p.category)) : out;
}
