import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

function manifest(dir: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  } catch {
    return null;
  }
}

/**
 * How brink is started from `dir`, for command lines brink prints: `bun run brink` in
 * brink's own repository (its root has the `brink` script), `bunx brink` in a project that
 * has @brink/cli installed or as a dependency, else `brink` (installed on the PATH).
 *
 * @example
 * invocationIn(process.cwd()) // ["bunx", "brink"]
 */
export function invocationIn(dir: string): string[] {
  const m = manifest(dir);
  const scripts = (m?.scripts ?? {}) as Record<string, unknown>;
  if (typeof scripts.brink === "string" && existsSync(join(dir, "packages/cli/src/main.ts")))
    return ["bun", "run", "brink"];
  const deps = { ...(m?.dependencies ?? {}), ...(m?.devDependencies ?? {}) } as Record<
    string,
    unknown
  >;
  if ("@brink/cli" in deps || existsSync(join(dir, "node_modules/@brink/cli/package.json")))
    return ["bunx", "brink"];
  return ["brink"];
}
