import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { BrinkError } from "../errors.ts";

/** What a package.json says about what it ships. */
interface Manifest {
  name: string;
  version: string;
  files?: string[];
}

/** A package as installed: where, which version, and the files it ships (absolute paths). */
export interface ShippedPackage {
  name: string;
  version: string;
  dir: string;
  files: string[];
}

function walk(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => e.name !== "node_modules")
    .flatMap((e) => walk(join(path, e.name)));
}

/**
 * The files an installed package ships: its package.json and every entry of its `files`
 * field that exists (plain paths, no globs), never node_modules. In someone's project that
 * is the whole installed package; in brink's checkout it leaves tests and fixtures out, as
 * `bun pm pack` does.
 *
 * @example
 * shippedPackage("/app/node_modules/@brink/probes").files; // [".../package.json", ".../src/index.ts", ...]
 */
export function shippedPackage(dir: string): ShippedPackage {
  const manifestPath = join(dir, "package.json");
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  } catch (e) {
    throw new BrinkError(
      "IMAGE_BUILD_FAILED",
      `${manifestPath} cannot be read (${(e as Error).message}); reinstall brink`,
      { cause: e },
    );
  }
  const entries = manifest.files ?? ["src"];
  const files = [manifestPath];
  for (const entry of entries) {
    const path = join(dir, entry);
    if (relative(dir, path).startsWith("..") || !existsSync(path)) continue;
    files.push(...walk(path));
  }
  return { name: manifest.name, version: manifest.version, dir, files: [...new Set(files)] };
}
