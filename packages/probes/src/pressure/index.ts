export { type BurnCpuOptions, burnCpu, CpuPressure, type CpuSample } from "./cpu.ts";
export { DiskPressure, type FillDiskOptions, fillDisk } from "./disk.ts";
export {
  type FaultSettings,
  faultSettings,
  PEER_MODES,
  type PeerMode,
  Shaper,
  type Step,
  seeded,
} from "./fault-shape.ts";
export { FaultyPeer, type FaultyPeerOptions, faultyPeer, type PeerStats } from "./faulty-peer.ts";
export { FdPressure, type OpenDescriptorsOptions, openDescriptors } from "./fd.ts";
export { type HoldMemoryOptions, holdMemory, MemoryPressure } from "./memory.ts";
export { PidsPressure, type SpawnProcessesOptions, spawnProcesses } from "./pids.ts";
export { Pressure } from "./pressure.ts";
export { requireFence } from "./require-fence.ts";
export { exhaustStack, StackPressure, type StackShape } from "./stack.ts";
