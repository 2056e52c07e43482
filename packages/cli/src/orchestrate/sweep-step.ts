import { channelReader, type StepEvent } from "@brink/probes/host";

/** What the sweep driver reports for one step: its signed event, as the host believes it. */
export type Step = Omit<StepEvent, "event">;
/** How the step's check ended. */
type StepEnd = NonNullable<Step["check"]>;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const int = (v: unknown, max = 2 ** 53) =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max;
const code = (v: unknown) => v === null || (typeof v === "number" && Number.isInteger(v));
const text = (v: unknown, max = 100_000) => typeof v === "string" && v.length <= max;
const signal = (v: unknown) =>
  v === null || (typeof v === "string" && /^SIG[A-Z0-9]{1,12}$/.test(v));
const intOrNull = (v: unknown) => v === null || int(v);

/** The most failed calls a step may list (the driver's MAX_INJECTIONS). */
const MAX_LISTED = 100;

function validEnd(v: unknown): v is StepEnd {
  return (
    isObj(v) &&
    code(v.exitCode) &&
    signal(v.signal) &&
    typeof v.timedOut === "boolean" &&
    text(v.stdout) &&
    text(v.stderr)
  );
}

function validInjections(v: unknown): v is Step["injections"] {
  return (
    Array.isArray(v) &&
    v.length <= MAX_LISTED &&
    v.every((i) => isObj(i) && int(i.at) && (i.at as number) >= 1 && text(i.call, 2000))
  );
}

/**
 * Checks every field of a step event; null when it is not one. Only the fields of `Step`
 * are kept: nothing else the event carried reaches a report.
 */
export function validStep(v: unknown): Step | null {
  if (!isObj(v) || v.event !== "step") return null;
  const ok =
    text(v.fault, 100) &&
    int(v.n) &&
    typeof v.baseline === "boolean" &&
    code(v.exitCode) &&
    signal(v.signal) &&
    typeof v.timedOut === "boolean" &&
    text(v.stderr) &&
    int(v.calls) &&
    int(v.threads) &&
    validInjections(v.injections) &&
    int(v.injectedCount) &&
    (v.injectedCount as number) >= (v.injections as unknown[]).length &&
    intOrNull(v.free) &&
    intOrNull(v.written) &&
    (v.short === null || text(v.short, 2000)) &&
    (v.check === null || validEnd(v.check));
  if (!ok) return null;
  const check = v.check as StepEnd | null;
  return {
    fault: v.fault as string,
    n: v.n as number,
    baseline: v.baseline as boolean,
    exitCode: v.exitCode as number | null,
    signal: v.signal as string | null,
    timedOut: v.timedOut as boolean,
    stderr: v.stderr as string,
    calls: v.calls as number,
    threads: v.threads as number,
    injections: (v.injections as Step["injections"]).map((i) => ({ at: i.at, call: i.call })),
    injectedCount: v.injectedCount as number,
    free: v.free as number | null,
    written: v.written as number | null,
    short: v.short as string | null,
    check: check && {
      exitCode: check.exitCode,
      signal: check.signal,
      timedOut: check.timedOut,
      stdout: check.stdout,
      stderr: check.stderr,
    },
  };
}

/** Which step a container was started for: only that step's event is believed. */
export interface StepKey {
  fault: string;
  n: number;
  baseline: boolean;
}

/**
 * Reads a sweep step container's stdout: only the driver's signed step event for `key`
 * counts; what the program under test prints, forged step lines included, is ignored.
 *
 * @example
 * const reader = stepReader({ fault: "write:ENOSPC", n: 7, baseline: false });
 * lines.forEach(reader.line); reader.step // Step | null
 */
export function stepReader(key: StepKey): { line(l: string): void; readonly step: Step | null } {
  const channel = channelReader();
  let step: Step | null = null;
  return {
    line(l) {
      const got = channel.accept(l);
      if (got.kind !== "event" || step) return;
      const s = validStep(got.event);
      if (s && s.fault === key.fault && s.n === key.n && s.baseline === key.baseline) step = s;
    },
    get step() {
      return step;
    },
  };
}
