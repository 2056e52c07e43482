import type { FenceSummary } from "@brink/guard";
import type { ProbeResult } from "@brink/probes/host";
import type { ContainerExit } from "../engine/run-container.ts";
import type { ProbeInfo } from "./probe-info.ts";

/** The result of the probe a container died under, from the container's evidence. */
export function resultOfDeath(
  probe: ProbeInfo,
  exit: ContainerExit,
  fence: FenceSummary,
  stderr: string,
  ms: number,
): ProbeResult {
  const evidence = {
    exitCode: exit.exitCode,
    signal: exit.signal,
    oomKilled: exit.oomKilled,
    stderr: stderr.slice(-2000),
  };
  const base = {
    id: probe.id,
    category: probe.category,
    title: probe.title,
    expected: probe.expected,
    durationMs: ms,
    fence,
  };
  if (exit.killedBy) {
    return {
      ...base,
      status: "error",
      message: `${exit.killedBy}; its container was killed`,
      observed: { ...evidence, killedBy: exit.killedBy },
    };
  }
  const killedByFence = exit.oomKilled && exit.exitCode === 137;
  if (probe.expected === "killed") {
    return killedByFence
      ? {
          ...base,
          status: "pass",
          message: "the memory fence killed its container, as expected (OOMKilled, exit 137)",
          observed: evidence,
        }
      : {
          ...base,
          status: "fail",
          message: `expected an OOM kill; its container ended with exit ${exit.exitCode}${exit.signal ? ` (${exit.signal})` : ""}, OOMKilled ${exit.oomKilled}`,
          observed: evidence,
        };
  }
  const how = killedByFence
    ? "OOM-killed"
    : exit.signal
      ? `killed by ${exit.signal}`
      : `exited ${exit.exitCode} mid-probe`;
  return { ...base, status: "killed", message: `its container was ${how}`, observed: evidence };
}
