import type { Probe } from "../probe.ts";
import { cpuProbes } from "./cpu.ts";
import { diskProbes } from "./disk.ts";
import { fdProbes } from "./fd.ts";
import { fragmentationProbes } from "./fragmentation.ts";
import { netProbes } from "./net.ts";
import { oomProbes } from "./oom.ts";
import { pidsProbes } from "./pids.ts";
import { stackProbes } from "./stack.ts";

/** brink's built-in suite, in category order. */
export const builtinProbes: Probe[] = [
  ...oomProbes.filter((p) => p.expected !== "killed"),
  ...fragmentationProbes,
  ...oomProbes.filter((p) => p.expected === "killed"),
  ...diskProbes,
  ...stackProbes,
  ...fdProbes,
  ...pidsProbes,
  ...cpuProbes,
  ...netProbes,
];
