import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** One remembered content hash: valid while the file's identity and size and mtime hold. */
interface Entry {
  /** `dev:ino:size:mtimeNs`. */
  stamp: string;
  hash?: string;
  /** Anything else derived from the file's content (e.g. the libraries ldd named). */
  extra?: string[];
}

/** Where the hashes are kept: $XDG_CACHE_HOME/brink/hashes.json, else ~/.cache/brink/hashes.json. */
export function hashCachePath(env = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "brink", "hashes.json");
}

function stampOf(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return null;
  }
}

/**
 * Content hashes of files, remembered by their stat (device, inode, size, mtime in ns): a
 * file is read and hashed again only when one of those changed, so the warm image check
 * does not read the ~100 MiB Bun binary. Touching or editing a file changes its mtime, so
 * the answer is the same as hashing every time. Best effort: an unwritable cache only
 * means hashing every time.
 *
 * @example
 * const cache = openHashCache(); const h = cache.hash("/usr/bin/bun", hashFile); cache.save();
 */
export function openHashCache(path = hashCachePath()) {
  let entries: Record<string, Entry> = {};
  try {
    entries = JSON.parse(readFileSync(path, "utf8"));
  } catch {}
  let dirty = false;
  const fresh = (file: string): Entry | null => {
    const e = entries[file];
    return e && e.stamp === stampOf(file) ? e : null;
  };
  return {
    /** The content hash of `file`, from the cache when its stat is unchanged. */
    hash(file: string, compute: (file: string) => string): string {
      const hit = fresh(file);
      if (hit?.hash) return hit.hash;
      const stamp = stampOf(file);
      const hash = compute(file);
      if (stamp) {
        entries[file] = { ...(stamp === hit?.stamp ? hit : {}), stamp, hash };
        dirty = true;
      }
      return hash;
    },
    /** Something derived from `file`'s content, recomputed only when its stat changed. */
    derived(file: string, compute: (file: string) => string[]): string[] {
      const hit = fresh(file);
      if (hit?.extra) return hit.extra;
      const extra = compute(file);
      const stamp = stampOf(file);
      if (stamp) {
        entries[file] = { ...(stamp === hit?.stamp ? hit : {}), stamp, extra };
        dirty = true;
      }
      return extra;
    },
    /** Writes what changed. */
    save(): void {
      if (!dirty) return;
      try {
        mkdirSync(dirname(path), { recursive: true });
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify(entries));
        renameSync(tmp, path);
        dirty = false;
      } catch {}
    },
  };
}
