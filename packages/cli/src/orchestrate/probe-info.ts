import {
  builtinProbes,
  type Category,
  type Expectation,
  loadSuite,
  type Probe,
  probeTimeout,
} from "@brink/probes";

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
 * Lists the probes of a plan: the built-in suite, or the given suite files (loaded on the
 * host only to read their definitions).
 *
 * @example
 * const probes = await probeInfos([], null);
 */
export async function probeInfos(suites: string[], timeoutMs: number | null): Promise<ProbeInfo[]> {
  if (!suites.length) return builtinProbes.map((p) => info(p, undefined, timeoutMs));
  const out: ProbeInfo[] = [];
  for (const s of suites) for (const p of await loadSuite(s)) out.push(info(p, s, timeoutMs));
  return out;
}
