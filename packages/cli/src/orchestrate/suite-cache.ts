import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { ProbeMeta } from "@brink/probes/host";

const transpiler = new Bun.Transpiler({ loader: "tsx" });

/**
 * The files a suite's probes can come from, found without running them: the suite files
 * and every file they import by a relative path, followed statically (Bun's import scanner).
 * Package imports are left out; the image's and the tool's versions cover those.
 *
 * @example
 * suiteFiles(["/repo/examples/suite.ts"]) // ["/repo/examples/suite.ts", "/repo/examples/kv-store.ts"]
 */
export function suiteFiles(suites: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file) || seen.size > 2000) return;
    seen.add(file);
    let code: string;
    try {
      code = readFileSync(file, "utf8");
    } catch {
      return;
    }
    let imports: { path: string }[] = [];
    try {
      imports = transpiler.scanImports(code);
    } catch {
      return; // does not parse: the container will say so
    }
    for (const { path } of imports) {
      if (!path.startsWith(".")) continue;
      const base = resolve(dirname(file), path);
      const found = [base, `${base}.ts`, `${base}.tsx`, `${base}.js`, join(base, "index.ts")].find(
        (f) => existsSync(f) && !f.endsWith("/"),
      );
      if (found) visit(found);
    }
  };
  for (const s of suites) visit(s);
  return [...seen].sort();
}

/** A key for the suites' metadata: the files' paths and contents, and what reads them. */
export function suiteKey(suites: string[], salt: string): string {
  const h = new Bun.CryptoHasher("sha256");
  h.update(`${salt}\0${suites.join("\0")}\0`);
  for (const f of suiteFiles(suites)) {
    h.update(`${f}\0`);
    try {
      h.update(readFileSync(f));
    } catch {}
  }
  return h.digest("hex").slice(0, 32);
}

/** Where listed suites are kept: $XDG_CACHE_HOME/brink/suites, else ~/.cache/brink/suites. */
export function cacheDir(env = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "brink", "suites");
}

/** The cached probe list for `key`, or null. */
export function readCached(key: string, dir = cacheDir()): ProbeMeta[] | null {
  try {
    const v = JSON.parse(readFileSync(join(dir, `${key}.json`), "utf8"));
    return Array.isArray(v) ? (v as ProbeMeta[]) : null;
  } catch {
    return null;
  }
}

/** Keeps a probe list under `key` (best effort: a read-only home just means no cache). */
export function writeCached(key: string, probes: ProbeMeta[], dir = cacheDir()): void {
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(probes));
    renameSync(tmp, join(dir, `${key}.json`));
  } catch {}
}
