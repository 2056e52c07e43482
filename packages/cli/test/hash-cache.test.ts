import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openHashCache } from "../src/engine/hash-cache.ts";
import { contentHash } from "../src/engine/image-inputs.ts";

test("hash cache: reads a file again only when its stat changed, and always answers as hashing would", () => {
  const dir = mkdtempSync(join(tmpdir(), "brink-hash-"));
  try {
    const file = join(dir, "input.ts");
    const store = join(dir, "cache", "hashes.json");
    writeFileSync(file, "export const a = 1;\n");
    let reads = 0;
    const counted = (f: string) => {
      reads++;
      return contentHash(f);
    };
    const first = openHashCache(store);
    const h1 = first.hash(file, counted);
    expect(h1).toBe(contentHash(file));
    first.save();
    // A new process (a new cache object on the same store): no read.
    expect(openHashCache(store).hash(file, counted)).toBe(h1);
    expect(reads).toBe(1);
    // Touched: read again, same answer.
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    const touched = openHashCache(store);
    expect(touched.hash(file, counted)).toBe(h1);
    expect(reads).toBe(2);
    touched.save();
    // Edited, same size: the write moves mtime, so the file is read again; the new content's hash.
    writeFileSync(file, "export const a = 2;\n");
    const edited = openHashCache(store).hash(file, counted);
    expect(edited).toBe(contentHash(file));
    expect(edited).not.toBe(h1);
    expect(reads).toBe(3);
    // Derived values follow the same rule and do not disturb the hash.
    const c = openHashCache(store);
    expect(c.derived(file, () => ["/lib/x.so"])).toEqual(["/lib/x.so"]);
    expect(c.hash(file, counted)).toBe(edited);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
