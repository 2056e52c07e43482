import { dirname, join, resolve } from "node:path";

/**
 * The installed @brink/cli package this CLI runs from (a checkout's packages/cli, or
 * node_modules/@brink/cli in someone's project): it holds docker/ with the Dockerfiles.
 */
export const CLI_ROOT = resolve(import.meta.dir, "..");

/** The Dockerfiles and .dockerignore of the probe image, shipped inside @brink/cli. */
export const DOCKER_DIR = join(CLI_ROOT, "docker");

/**
 * The folder of an installed package as this CLI resolves it (`from` is a folder to resolve
 * from: by default the CLI's own), so the image carries the very copy the CLI depends on.
 *
 * @example
 * packageDir("@brink/probes"); // ".../node_modules/@brink/probes"
 */
export function packageDir(name: string, from: string = CLI_ROOT): string {
  return dirname(Bun.resolveSync(`${name}/package.json`, from));
}
