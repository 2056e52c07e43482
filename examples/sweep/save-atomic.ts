// Writes data.json.tmp, then renames it over data.json: a failed write leaves the old file.
import { copyFileSync, renameSync, rmSync, writeFileSync } from "node:fs";

const file = `${process.env.BRINK_SCRATCH ?? "/scratch"}/data.json`;
// The old version, copied in (copy_file_range, not write: the sweep does not count it).
copyFileSync(new URL("./data.v1.json", import.meta.url), file);
const doc = {
  version: 2,
  items: Array.from({ length: 2000 }, (_, i) => ({ i, name: `item ${i}` })),
};
const text = JSON.stringify(doc);
try {
  writeFileSync(`${file}.tmp`, "");
  for (let i = 0; i < text.length; i += 4096)
    writeFileSync(`${file}.tmp`, text.slice(i, i + 4096), { flag: "a" });
  renameSync(`${file}.tmp`, file);
  console.log("saved");
} catch (e) {
  rmSync(`${file}.tmp`, { force: true });
  console.error(`save failed: ${(e as NodeJS.ErrnoException).code}; kept the old data.json`);
  process.exit(1);
}
