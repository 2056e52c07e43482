import type { Probe } from "../probe.ts";
import { diskProbes } from "./disk.ts";
import { fdProbes } from "./fd.ts";
import { oomProbes } from "./oom.ts";
import { pidsProbes } from "./pids.ts";
import { stackProbes } from "./stack.ts";

/** brink's built-in suite, in category order. */
export const builtinProbes: Probe[] = [
  ...oomProbes,
  ...diskProbes,
  ...stackProbes,
  ...fdProbes,
  ...pidsProbes,
];
