import {
  builtinProbes,
  type Category,
  type Expectation,
  loadSuite,
  type Probe,
  probeTimeout,
} from "@brink/probes";
import { BrinkError } from "../errors.ts";

/** What the host knows of a probe (its code runs only in the container). */
export interface ProbeInfo {
  id: string;
  category: Category;
  title: string;
  expected: Expectation;
  timeoutMs: number;
  /** The suite file it comes from; undefined for the built-in suite. */
  suite?: string;
}

function info(p: Probe, suite?: string, timeoutMs?: number | null): ProbeInfo {
  return {
    id: p.id,
    category: p.category,
    title: p.title,
    expected: p.expected,
    timeoutMs: timeoutMs ?? probeTimeout(p),
    suite,
  };
}

/**
 * Lists the probes of a plan in `categories` (all when omitted): the built-in suite, or the
 * given suite files, loaded on the host only to read their definitions. A suite that does
 * not load or exports no probes is a usage error.
 *
 * @example
 * const probes = await probeInfos([], null, ["fd"]);
 */
export async function probeInfos(
  suites: string[],
  timeoutMs: number | null,
  categories?: Category[],
): Promise<ProbeInfo[]> {
  const out: ProbeInfo[] = [];
  if (!suites.length) out.push(...builtinProbes.map((p) => info(p, undefined, timeoutMs)));
  for (const s of suites) {
    try {
      for (const p of await loadSuite(s)) out.push(info(p, s, timeoutMs));
    } catch (e) {
      throw new BrinkError("USAGE", `--suite: ${(e as Error).message}`, { cause: e });
    }
  }
  return categories ? out.filter((p) => categories.includes(p.category)) : out;
}
