// A tiny key-value store, the "program under test" of the example suite. It saves with
// write-temp-then-rename, so a full disk never leaves a half-written file behind.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";

export type Data = Record<string, unknown>;

/** Saves atomically: the old file stays whole if the new one does not fit. */
export function save(path: string, data: Data): void {
  const tmp = `${path}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Loads the store; throws what the file system says (ENOENT, EMFILE...). */
export function load(path: string): Data {
  return JSON.parse(readFileSync(path, "utf8"));
}
