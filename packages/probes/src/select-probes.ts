import { ProbeError } from "./errors.ts";
import { CATEGORIES, type Category, type Probe } from "./probe.ts";

/** Which probes to run. */
export interface Selection {
  categories?: Category[];
  ids?: string[];
}

/**
 * Picks probes by category and id, keeping their order; an unknown id is an error.
 *
 * @example
 * selectProbes(builtinProbes, { categories: ["fd"] })
 */
export function selectProbes(all: Probe[], sel: Selection): Probe[] {
  for (const c of sel.categories ?? []) {
    if (!CATEGORIES.includes(c)) {
      throw new ProbeError("BAD_OPTION", `unknown category "${c}"; use ${CATEGORIES.join(", ")}`);
    }
  }
  const known = new Set(all.map((p) => p.id));
  const missing = (sel.ids ?? []).filter((id) => !known.has(id));
  if (missing.length) {
    throw new ProbeError(
      "BAD_OPTION",
      `unknown probe id ${missing.join(", ")}; \`brink list\` shows the ids`,
    );
  }
  return all.filter(
    (p) =>
      (!sel.categories?.length || sel.categories.includes(p.category)) &&
      (!sel.ids?.length || sel.ids.includes(p.id)),
  );
}
