import { BrinkError } from "../errors.ts";

/**
 * Classifies an engine call's failure: an HTTP answer means the engine refused (exit 3,
 * ENGINE_REFUSED, with its words); no answer at all (socket closed, refused, reset) means
 * it went away (ENGINE_LOST).
 *
 * @example
 * catch (e) { throw engineError(e, "creating the container") }
 */
export function engineError(e: unknown, doing: string): BrinkError {
  if (e instanceof BrinkError) return e;
  const err = e as Error & { statusCode?: number; json?: { message?: string } };
  const words = err.json?.message ?? err.message;
  if (typeof err.statusCode === "number") {
    return new BrinkError("ENGINE_REFUSED", `the engine refused ${doing}: ${words}`, { cause: e });
  }
  return new BrinkError("ENGINE_LOST", `lost the engine while ${doing}: ${words}`, { cause: e });
}
