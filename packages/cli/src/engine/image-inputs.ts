import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { BrinkError } from "../errors.ts";
import { DOCKER_DIR, packageDir } from "../paths.ts";
import { openHashCache } from "./hash-cache.ts";
import { type ShippedPackage, shippedPackage } from "./shipped-files.ts";

/** Which Dockerfile: the offline FROM scratch one, or the official Bun base (needs a registry). */
export type ImageBase = "scratch" | "oven";

/** A file of the build context: copied from `src`, or written from `text`. */
export interface ContextFile {
  dest: string;
  src?: string;
  text?: string;
}

/** Everything the probe image is built from, and a hash of it all. */
export interface ImageInputs {
  base: ImageBase;
  files: ContextFile[];
  hash: string;
  tag: string;
  /** The installed @brink/probes and @brink/guard the image carries at /node_modules/@brink. */
  packages: ShippedPackage[];
}

/** Host programs the image carries besides Bun: sleep for the pids probes, strace for sweeps. */
const EXTRA_PROGRAMS = ["sleep", "strace"];

function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(":")) {
    const p = join(dir, name);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return null;
}

/** Shared libraries a dynamically linked program needs, from `ldd`. */
export function sharedLibraries(program: string): string[] {
  const r = Bun.spawnSync(["ldd", program], { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) return [];
  return r.stdout
    .toString()
    .split("\n")
    .map((l) => /=>\s*(\/\S+)/.exec(l)?.[1] ?? /^\s*(\/\S+)/.exec(l)?.[1])
    .filter((p): p is string => !!p);
}

/**
 * The @brink/probes this CLI depends on, and the @brink/guard that copy of probes resolves:
 * the installed packages, wherever they are (brink's checkout or someone's node_modules).
 *
 * @example
 * brinkPackages().map((p) => `${p.name}@${p.version}`); // ["@brink/probes@0.1.0", "@brink/guard@0.1.0"]
 */
export function brinkPackages(): ShippedPackage[] {
  let probes: string;
  let guard: string;
  try {
    probes = packageDir("@brink/probes");
    guard = packageDir("@brink/guard", probes);
  } catch (e) {
    throw new BrinkError(
      "IMAGE_BUILD_FAILED",
      `@brink/probes or @brink/guard cannot be found from @brink/cli (${(e as Error).message}); reinstall brink (bun add -d @brink/cli)`,
      { cause: e },
    );
  }
  return [shippedPackage(probes), shippedPackage(guard)];
}

/** The Bun binary to put in the image: BRINK_BUN_BINARY, else the one running brink. */
export function bunBinary(): string {
  return process.env.BRINK_BUN_BINARY || process.execPath;
}

/**
 * Lists the build context of the probe image and hashes it, so an unchanged image is reused.
 *
 * @example
 * const inputs = collectImageInputs("scratch"); // inputs.tag === "brink-probe:3f2a..."
 */
export function collectImageInputs(base: ImageBase = "scratch"): ImageInputs {
  const dockerfile = join(DOCKER_DIR, base === "oven" ? "Dockerfile.oven" : "Dockerfile");
  if (!existsSync(dockerfile)) {
    throw new BrinkError("IMAGE_BUILD_FAILED", `${dockerfile} is missing; reinstall brink`);
  }
  const files: ContextFile[] = [
    { dest: "Dockerfile", src: dockerfile },
    { dest: ".dockerignore", src: join(DOCKER_DIR, ".dockerignore") },
    {
      dest: "rootfs/etc/passwd",
      text: "root:x:0:0:root:/:/nonexistent\nbrink:x:10001:10001:brink:/scratch:/nonexistent\n",
    },
    { dest: "rootfs/etc/group", text: "root:x:0:\nbrink:x:10001:\n" },
  ];
  const packages = brinkPackages();
  for (const pkg of packages) {
    for (const f of pkg.files) {
      files.push({ dest: `rootfs/node_modules/${pkg.name}/${relative(pkg.dir, f)}`, src: f });
    }
  }
  const programs: [string, string][] = [];
  if (base === "scratch") {
    const bun = bunBinary();
    if (!existsSync(bun)) {
      throw new BrinkError(
        "IMAGE_BUILD_FAILED",
        `the Bun binary ${bun} (BRINK_BUN_BINARY) does not exist; point it at a Linux Bun binary or unset it`,
      );
    }
    programs.push([bun, "usr/local/bin/bun"]);
  }
  for (const name of EXTRA_PROGRAMS) {
    const p = which(name);
    if (p) programs.push([p, `usr/bin/${name}`]);
  }
  const cache = openHashCache();
  const libs = new Set<string>();
  for (const [src, dest] of programs) {
    files.push({ dest: `rootfs/${dest}`, src });
    if (base === "scratch") for (const lib of cache.derived(src, sharedLibraries)) libs.add(lib);
  }
  for (const lib of libs) files.push({ dest: `rootfs${lib}`, src: lib });
  const hasher = new Bun.CryptoHasher("sha256");
  for (const f of files.sort((a, b) => a.dest.localeCompare(b.dest))) {
    hasher.update(`${f.dest}\0`);
    if (f.text !== undefined) hasher.update(f.text);
    else hasher.update(cache.hash(f.src as string, contentHash));
  }
  cache.save();
  const hash = hasher.digest("hex");
  return { base, files, hash, tag: `brink-probe:${hash.slice(0, 16)}`, packages };
}

/** A file's sha256, read in 4 MiB pieces: the Bun binary is ~100 MiB, never held whole. */
export function contentHash(path: string): string {
  const hasher = new Bun.CryptoHasher("sha256");
  const buf = Buffer.allocUnsafe(4 * 2 ** 20);
  const fd = openSync(path, "r");
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hasher.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hasher.digest("hex");
}

/** Directories a context file needs. */
export function parentDirs(files: ContextFile[]): string[] {
  return [...new Set(files.map((f) => dirname(f.dest)))];
}

/**
 * Suites in the project import `@brink/probes` (and through it `@brink/guard`) from the
 * project's node_modules, while the runner in the image is the copy this CLI resolves: they
 * must be the same version. Throws a usage error naming both versions when the project
 * resolves another; a project without its own copy is fine (it sees the image's).
 *
 * @example
 * assertProjectSeesSamePackages("/home/me/app"); // throws if app has @brink/probes 0.2.0 and brink carries 0.1.0
 */
export function assertProjectSeesSamePackages(
  project: string,
  carried: ShippedPackage[] = brinkPackages(),
): void {
  for (const pkg of carried) {
    let path: string;
    try {
      path = Bun.resolveSync(`${pkg.name}/package.json`, project);
    } catch {
      continue;
    }
    const version = (JSON.parse(readFileSync(path, "utf8")) as { version?: string }).version;
    if (version !== pkg.version) {
      throw new BrinkError(
        "USAGE",
        `${project} resolves ${pkg.name} ${version} (${path}) but this brink runs ${pkg.version} in the fence; install matching versions (bun add -d @brink/cli@<version> brings both)`,
      );
    }
  }
}
