// Opens its config and treats any failure as fatal, aborting the process (a crash).
import { readFileSync } from "node:fs";

const file = new URL("./config.json", import.meta.url);
try {
  console.log(`read ${readFileSync(file, "utf8").length} bytes`);
} catch (e) {
  console.error(`fatal: ${(e as NodeJS.ErrnoException).code}`);
  process.abort();
}
