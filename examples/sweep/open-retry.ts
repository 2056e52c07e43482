// Opens its config, retrying on EMFILE (another part of the program may free descriptors).
import { readFileSync } from "node:fs";

const file = new URL("./config.json", import.meta.url);
for (let attempt = 1; ; attempt++) {
  try {
    console.log(`read ${readFileSync(file, "utf8").length} bytes (attempt ${attempt})`);
    break;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EMFILE" || attempt >= 5) throw e;
    await Bun.sleep(10 * attempt);
  }
}
