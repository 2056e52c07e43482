import { BrinkError } from "../errors.ts";

/**
 * Podman runs `Init: true` with catatonit: when it is missing, the engine's words get how
 * to fix it.
 *
 * @example
 * initHint("container-init binary not found on the host: stat /usr/libexec/podman/catatonit"); // "; brink starts ..."
 */
export function initHint(words: string): string {
  return /catatonit|container-init binary/i.test(words)
    ? "; brink starts every container with Init: true, which under Podman needs catatonit: install it (apt-get install catatonit, or dnf install catatonit)"
    : "";
}

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
  const said = err.json?.message ?? err.message;
  const words = said + initHint(said);
  if (typeof err.statusCode === "number") {
    return new BrinkError("ENGINE_REFUSED", `the engine refused ${doing}: ${words}`, { cause: e });
  }
  return new BrinkError("ENGINE_LOST", `lost the engine while ${doing}: ${words}`, { cause: e });
}
