import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Reads `path` below `root` as text; null when it cannot be read. */
export function readText(root: string, path: string): string | null {
  try {
    return readFileSync(join(root, path), "utf8");
  } catch {
    return null;
  }
}

/** Parses a kernel number; "max", "-1", empty or absurdly large (no limit) give null. */
export function parseLimit(text: string | null | undefined): number | null {
  if (text == null) return null;
  const t = text.trim();
  if (t === "" || t === "max" || t === "unlimited" || t === "-1") return null;
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0) return null;
  // cgroup v1 writes "no limit" as a page-rounded 2^63-1 (9223372036854771712).
  if (n >= 2 ** 62) return null;
  return n;
}
