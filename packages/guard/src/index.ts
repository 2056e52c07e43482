export {
  BRINK_TOKEN_PATTERN,
  brinkHostname,
  newBrinkToken,
  notStartedByBrink,
  readHostname,
} from "./brink-identity.ts";
export { cgroupLayout, parseProcCgroup } from "./cgroup.ts";
export { type BrandedClass, CLASS_BRAND, isBrandedInstance } from "./class-brand.ts";
export { type CpuThrottling, readCpuThrottling, throttlingSince } from "./cpu-stat.ts";
export {
  type ContainerInfo,
  detectContainer,
  type ReadOptions,
  type Runtime,
} from "./detect-container.ts";
export {
  type EnsureOptions,
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
export { mountOptionsOf, raisableFences, readCapEff } from "./raisable.ts";
export { type DiskFence, type Fences, readDisk, readFences, scratchDir } from "./read-fences.ts";
export { readSwap, readSwapTotal } from "./swap.ts";
