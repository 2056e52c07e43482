import type { Probe } from "../probe.ts";

/** brink's built-in suite, in category order. */
export const builtinProbes: Probe[] = [];
