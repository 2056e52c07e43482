// Overwrites data.json in place: a failed write leaves it truncated (the sweep finds where).
import { copyFileSync, writeFileSync } from "node:fs";

const file = `${process.env.BRINK_SCRATCH ?? "/scratch"}/data.json`;
// The old version, copied in (copy_file_range, not write: the sweep does not count it).
copyFileSync(new URL("./data.v1.json", import.meta.url), file);
const doc = {
  version: 2,
  items: Array.from({ length: 2000 }, (_, i) => ({ i, name: `item ${i}` })),
};
const text = JSON.stringify(doc);
// Write in pieces, as a streaming writer would.
writeFileSync(file, "");
for (let i = 0; i < text.length; i += 4096)
  writeFileSync(file, text.slice(i, i + 4096), { flag: "a" });
console.log("saved");
