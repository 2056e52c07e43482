import {
  ensureFenced,
  type FencedContext,
  type FenceName,
  fenceEnvName,
  summarizeFences,
} from "@brink/guard";
import { ProbeError } from "../errors.ts";

/**
 * Refuses unless the guard passes (BRINK_DESTRUCTIVE=1, a container, every BRINK_FENCE_*
 * in force) and the fence named `name` holds. Every pressure generator calls it before it
 * applies any pressure.
 *
 * @throws {ProbeError} code UNFENCED, with the guard's error as `cause`
 * @example
 * requireFence("memory", "holdMemory");
 */
export function requireFence(name: FenceName, who: string): FencedContext {
  const asked = process.env[fenceEnvName(name)];
  if (!asked) {
    // Markers like /.dockerenv are not enough (some VMs have one): the fence must have been
    // asked for, so the guard can check that what holds is no larger.
    throw new ProbeError(
      "UNFENCED",
      `${who}: refusing destructive work: ${fenceEnvName(name)} is not set, so no ${name} fence is known to hold. Run it through brink, or set it to the limit your container enforces.`,
    );
  }
  let ctx: FencedContext;
  try {
    ctx = ensureFenced();
  } catch (e) {
    throw new ProbeError("UNFENCED", `${who}: ${(e as Error).message}`, { cause: e });
  }
  if (summarizeFences(ctx.fences)[name] == null) {
    throw new ProbeError(
      "UNFENCED",
      `${who}: refusing: no ${name} fence is in force in this container. Start it with a ${name} limit (brink does).`,
    );
  }
  return ctx;
}

/** Checks a numeric option: a positive finite number, or undefined. */
export function positive(name: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isFinite(v) || v <= 0) {
    throw new ProbeError("BAD_OPTION", `${name} must be a positive number, got ${v}`);
  }
  return v;
}
