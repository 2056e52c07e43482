// The sweep's invariant: data.json parses, and no temp file is left. Exit 1 otherwise.
import { existsSync, readFileSync } from "node:fs";

const file = `${process.env.BRINK_SCRATCH ?? "/scratch"}/data.json`;
try {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  if (existsSync(`${file}.tmp`)) throw new Error("a temp file was left behind");
  console.log(`ok: version ${doc.version}`);
} catch (e) {
  console.error(`broken: ${(e as Error).message}`);
  process.exit(1);
}
