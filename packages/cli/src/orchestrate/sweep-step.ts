import { channelReader } from "@brink/probes";

/** What the sweep driver reports for one N. */
export interface Step {
  n: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stderr: string;
  calls: number;
  injected: { syscall: string; call: string } | null;
  check: { exitCode: number | null; stdout: string; stderr: string } | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const code = (v: unknown) => v === null || (typeof v === "number" && Number.isInteger(v));
const text = (v: unknown) => typeof v === "string" && v.length <= 100_000;

/** Checks a step event's shape; null when it is not one. */
export function validStep(v: unknown): Step | null {
  if (!isObj(v) || v.event !== "step") return null;
  const ok =
    typeof v.n === "number" &&
    Number.isInteger(v.n) &&
    code(v.exitCode) &&
    (v.signal === null || text(v.signal)) &&
    typeof v.timedOut === "boolean" &&
    text(v.stderr) &&
    typeof v.calls === "number" &&
    (v.injected === null ||
      (isObj(v.injected) && text(v.injected.syscall) && text(v.injected.call))) &&
    (v.check === null ||
      (isObj(v.check) && code(v.check.exitCode) && text(v.check.stdout) && text(v.check.stderr)));
  return ok ? (v as unknown as Step) : null;
}

/**
 * Reads a sweep step container's stdout: only the driver's signed step event for `n`
 * counts; what the program under test prints, forged step lines included, is ignored.
 *
 * @example
 * const reader = stepReader(7); lines.forEach(reader.line); reader.step // Step | null
 */
export function stepReader(n: number): { line(l: string): void; readonly step: Step | null } {
  const channel = channelReader();
  let step: Step | null = null;
  return {
    line(l) {
      const got = channel.accept(l);
      if (got.kind !== "event" || step) return;
      const s = validStep(got.event);
      if (s && s.n === n) step = s;
    },
    get step() {
      return step;
    },
  };
}
