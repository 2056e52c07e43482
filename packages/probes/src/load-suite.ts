import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ProbeError } from "./errors.ts";
import { isProbe, type Probe } from "./probe.ts";

/** Collects the probes a module exports: a default probe or array, named probes or arrays. */
export function probesOf(mod: Record<string, unknown>): Probe[] {
  const out: Probe[] = [];
  for (const value of Object.values(mod)) {
    for (const v of Array.isArray(value) ? value : [value]) if (isProbe(v)) out.push(v);
  }
  return [...new Map(out.map((p) => [p.id, p])).values()];
}

/**
 * Imports a suite file and returns its probes.
 *
 * @throws {ProbeError} BAD_SUITE when the file is missing, does not load, or exports no probes
 * @example
 * const probes = await loadSuite("examples/suite.ts");
 */
export async function loadSuite(path: string): Promise<Probe[]> {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    throw new ProbeError(
      "BAD_SUITE",
      `suite file ${path} does not exist; pass the path of a .ts file that exports probes`,
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = await import(abs);
  } catch (e) {
    const msg = (e as Error).message?.split("\n")[0] ?? String(e);
    throw new ProbeError("BAD_SUITE", `suite file ${path} does not load: ${msg}`, { cause: e });
  }
  const probes = probesOf(mod);
  if (probes.length === 0) {
    throw new ProbeError(
      "BAD_SUITE",
      `suite file ${path} exports no probes; export probes made with defineProbe() (see @brink/probes README)`,
    );
  }
  return probes;
}
