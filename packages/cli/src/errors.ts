/** Why the brink CLI stopped. */
export type BrinkErrorCode =
  | "USAGE"
  | "ENGINE_UNREACHABLE"
  | "ENGINE_REFUSED"
  | "ENGINE_LOST"
  | "IMAGE_BUILD_FAILED"
  | "REPORT_WRITE_FAILED"
  | "INTERRUPTED";

const EXIT: Record<BrinkErrorCode, number> = {
  USAGE: 2,
  ENGINE_UNREACHABLE: 3,
  ENGINE_REFUSED: 3,
  ENGINE_LOST: 3,
  IMAGE_BUILD_FAILED: 3,
  REPORT_WRITE_FAILED: 3,
  INTERRUPTED: 130,
};

/**
 * The one error class of `@brink/cli`. `code` is a string; `exitCode` follows DESIGN.md
 * (2 usage, 3 environment, 130 interrupted). The message names the bad value and the fix.
 *
 * @example
 * throw new BrinkError("USAGE", "--memory 12xb is not a size; use e.g. 128m, 1.5g or bytes");
 */
export class BrinkError extends Error {
  override readonly name = "BrinkError";
  readonly code: BrinkErrorCode;

  constructor(code: BrinkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get exitCode(): number {
    return EXIT[this.code];
  }
}
