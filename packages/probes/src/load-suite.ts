import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ProbeError } from "./errors.ts";
import { isDefinedProbe, isProbe, type Probe } from "./probe.ts";

/**
 * Collects the probes a module exports (a default probe or array, named probes or arrays)
 * and checks them: a probe-shaped object not made with defineProbe, or two probes with one
 * id, is a BAD_SUITE error naming `file` and the id. The same probe exported twice counts once.
 *
 * @example
 * probesOf(await import("./suite.ts"), "suite.ts")
 */
export function probesOf(mod: Record<string, unknown>, file = "the suite"): Probe[] {
  const out = new Map<string, Probe>();
  for (const [name, value] of Object.entries(mod)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (!isProbe(v)) continue;
      if (!isDefinedProbe(v as unknown)) {
        throw new ProbeError(
          "BAD_SUITE",
          `${file}: export "${name}" (id "${(v as Probe).id}") looks like a probe but was not made with defineProbe(); wrap it: defineProbe({ id, category, title, run })`,
        );
      }
      const seen = out.get(v.id);
      if (seen && seen !== v) {
        throw new ProbeError(
          "BAD_SUITE",
          `${file}: two probes have the id "${v.id}"; give each probe an id of its own`,
        );
      }
      out.set(v.id, v);
    }
  }
  return [...out.values()];
}

/**
 * Checks that ids are unique across several sources (suite files, the built-in suite).
 *
 * @throws {ProbeError} BAD_SUITE naming both places
 * @example
 * uniqueIds([["suite.ts", probes], ["built-in", builtinProbes]]);
 */
export function uniqueIds(sources: [string, Probe[]][]): Probe[] {
  const where = new Map<string, string>();
  const all: Probe[] = [];
  for (const [file, probes] of sources) {
    for (const p of probes) {
      const first = where.get(p.id);
      if (first !== undefined) {
        throw new ProbeError(
          "BAD_SUITE",
          `probe id "${p.id}" is defined in ${first} and again in ${file}; ids must be unique`,
        );
      }
      where.set(p.id, file);
      all.push(p);
    }
  }
  return all;
}

/**
 * Imports a suite file and returns its probes. Runs the suite's top-level code: call it
 * only inside a fence (brink does it in a child process of the in-container runner).
 *
 * @throws {ProbeError} BAD_SUITE when the file is missing, does not load, exports no probes,
 *   or defines them wrongly
 * @example
 * const probes = await loadSuite("/work/examples/suite.ts");
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
    if (e instanceof ProbeError) throw new ProbeError(e.code, `${path}: ${e.message}`);
    let msg: string;
    try {
      msg = String((e as Error)?.message ?? e).split("\n")[0] ?? "";
    } catch {
      msg = "it threw a value that cannot be shown";
    }
    throw new ProbeError("BAD_SUITE", `suite file ${path} does not load: ${msg}`, { cause: e });
  }
  const probes = probesOf(mod, path);
  if (probes.length === 0) {
    throw new ProbeError(
      "BAD_SUITE",
      `suite file ${path} exports no probes; export probes made with defineProbe() (see @brink/probes README)`,
    );
  }
  return probes;
}
