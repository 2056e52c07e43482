import { hostname } from "node:os";
import { BrinkError } from "../errors.ts";
import { processStartMs } from "./process-start.ts";

/** On every container and image brink creates. */
export const LABEL = "dev.brink";
/** The run that created it, so an interrupted run can find what it left. */
export const LABEL_RUN = "dev.brink.run";
/** The probe image's input hash. */
export const LABEL_INPUTS = "dev.brink.inputs";
/** On probe images: which install of brink built it (see pruneProbeImages). */
export const LABEL_SOURCE = "dev.brink.source";
/** The pid of the brink process that created it. */
export const LABEL_PID = "dev.brink.pid";
/** The host name of the machine that brink process runs on (os.hostname()). */
export const LABEL_HOST = "dev.brink.host";
/** When that brink process started (ISO 8601): with the pid, tells it from a later process. */
export const LABEL_STARTED = "dev.brink.started";

/** What BRINK_RUN_ID may hold: it ends up in labels and image tags. */
const RUN_ID = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/**
 * The run id of this process: BRINK_RUN_ID when set (tests use it to find their own
 * containers), else a fresh one of time and randomness, short enough to read.
 *
 * @example
 * newRunId({ BRINK_RUN_ID: "t-42" }) // "t-42"
 */
export function newRunId(env: Record<string, string | undefined> = process.env): string {
  const given = env.BRINK_RUN_ID;
  if (given !== undefined && given !== "") {
    if (!RUN_ID.test(given)) {
      throw new BrinkError(
        "USAGE",
        `BRINK_RUN_ID=${JSON.stringify(given)} is not a run id: use 1 to 64 of a-z, 0-9, "_", "." and "-", starting with a letter or digit`,
      );
    }
    return given;
  }
  return `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
}

let owner: Record<string, string> | undefined;

/**
 * Who made a container or image, so `brink clean` and the reaper can tell whether its run is
 * still alive: this process's pid, host name and start time.
 *
 * @example
 * ownerLabels() // { "dev.brink.pid": "4242", "dev.brink.host": "ci-7", "dev.brink.started": "2025-..." }
 */
export function ownerLabels(): Record<string, string> {
  owner ??= {
    [LABEL_PID]: String(process.pid),
    [LABEL_HOST]: hostname(),
    [LABEL_STARTED]: new Date(processStartMs(process.pid) ?? performance.timeOrigin).toISOString(),
  };
  return owner;
}
