import { resolve } from "node:path";

/** The brink checkout this CLI runs from (holds docker/ and packages/). */
export const REPO_ROOT = resolve(import.meta.dir, "../../..");
