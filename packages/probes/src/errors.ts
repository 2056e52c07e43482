import { CLASS_BRAND, isBrandedInstance } from "@brink/guard";

/** Why a probe-side operation failed. */
export type ProbeErrorCode =
  | "UNFENCED"
  | "BAD_OPTION"
  | "BAD_SUITE"
  | "TIMEOUT"
  | "WORKER_FAILED"
  | "UNEXPECTED";

/**
 * The one error class of `@brink/probes`, with a string `code` and the `cause` kept.
 *
 * @example
 * throw new ProbeError("BAD_OPTION", "fraction 1.5 is not in (0, 1]; pass e.g. 0.9");
 */
export class ProbeError extends Error {
  /** The same class across copies of the package (see isBrandedInstance in @brink/guard). */
  static readonly [CLASS_BRAND] = "ProbeError";
  static override [Symbol.hasInstance](v: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof: a subclass of ProbeError answers for itself
    return isBrandedInstance(this, v);
  }
  override readonly name = "ProbeError";
  readonly code: ProbeErrorCode;

  constructor(code: ProbeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The errno code of a failure (EMFILE, ENOSPC, EAGAIN...), or its name when it has none.
 *
 * @example
 * try { openSync("/nope") } catch (e) { errorCode(e) } // "ENOENT"
 */
export function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? (e as Error)?.name ?? String(e);
}
