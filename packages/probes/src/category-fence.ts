import type { FenceName } from "@brink/guard";
import type { Category } from "./probe.ts";

/**
 * The fence each category's probes need in force before they run. net: every container
 * has network `none` and net probes stay on loopback, so what they can exhaust is sockets,
 * which are descriptors: the nofile fence bounds them.
 */
export const CATEGORY_FENCE: Record<Category, FenceName> = {
  oom: "memory",
  disk: "disk",
  stack: "stack",
  fd: "nofile",
  pids: "pids",
  cpu: "cpus",
  net: "nofile",
};
