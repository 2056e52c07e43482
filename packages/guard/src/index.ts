export { cgroupLayout, parseProcCgroup } from "./cgroup.ts";
export {
  type ContainerInfo,
  detectContainer,
  type ReadOptions,
  type Runtime,
} from "./detect-container.ts";
export {
  ensureFenced,
  type FencedContext,
  type FenceRequirements,
  requirementsFromEnv,
} from "./ensure-fenced.ts";
export { GuardError, type GuardErrorCode } from "./errors.ts";
export {
  FENCE_NAMES,
  type FenceName,
  type FenceSummary,
  fenceEnvName,
  NO_FENCES,
  summarizeFences,
} from "./fence-summary.ts";
export { type MemoryUsage, readMemoryUsage } from "./memory-usage.ts";
export { readProcLimits, type SoftHard } from "./proc-limits.ts";
export { type DiskFence, type Fences, readDisk, readFences, scratchDir } from "./read-fences.ts";
