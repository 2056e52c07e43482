import type { ProbeResult } from "@brink/probes/host";
import { toText } from "./text.ts";

/**
 * The first frames of the stack a probe's thrown error carried (`observed.stack`, the first
 * lines of it as the probe's process saw them): the `at ...` lines only, since the message
 * is the result's own. Empty when the result has no stack.
 *
 * @example
 * stackLines({ ...r, observed: { stack: "TypeError: x\n    at run (/work/s.ts:3:9)" } }) // ["at run (/work/s.ts:3:9)"]
 */
export function stackLines(r: Pick<ProbeResult, "observed">, max = 5): string[] {
  const stack = r?.observed?.stack;
  if (typeof stack !== "string") return [];
  return toText(stack)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("at "))
    .slice(0, max);
}

/** A result's `observed` without the stack `stackLines` shows on its own lines. */
export function observedBesidesStack(r: Pick<ProbeResult, "observed">): unknown {
  if (!stackLines(r).length) return r.observed;
  const { stack: _shown, ...rest } = r.observed;
  return rest;
}

/**
 * A result's message followed by the first frames of its thrown error's stack, one a line
 * (indented): what JUnit and Markdown show of a throw.
 *
 * @example
 * messageWithStack(r) // "threw TypeError: x\n  at run (/work/s.ts:3:9)"
 */
export function messageWithStack(r: Pick<ProbeResult, "message" | "observed">): string {
  const frames = stackLines(r);
  const message = toText(r.message);
  return frames.length ? `${message}\n${frames.map((f) => `  ${f}`).join("\n")}` : message;
}
