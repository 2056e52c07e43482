import { CLASS_BRAND, isBrandedInstance } from "./class-brand.ts";

/** Why the guard refused. */
export type GuardErrorCode =
  | "NOT_DESTRUCTIVE"
  | "NOT_BRINK"
  | "NOT_CONTAINED"
  | "FENCE_MISSING"
  | "FENCE_TOO_LARGE"
  | "BAD_REQUIREMENT";

/**
 * The one error class of `@brink/guard`. `code` says what is missing; the message says how
 * to run properly.
 *
 * @example
 * try { ensureFenced() } catch (e) { if (e instanceof GuardError) console.error(e.code, e.message) }
 */
export class GuardError extends Error {
  /** The same class across copies of the package (see isBrandedInstance). */
  static readonly [CLASS_BRAND] = "GuardError";
  static override [Symbol.hasInstance](v: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof: a subclass of GuardError answers for itself
    return isBrandedInstance(this, v);
  }
  override readonly name = "GuardError";
  readonly code: GuardErrorCode;

  constructor(code: GuardErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
