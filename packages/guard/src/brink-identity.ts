import { hostname } from "node:os";
import type { ReadOptions } from "./detect-container.ts";
import { readText } from "./read-text.ts";

/** A per-container token: at least 16 lowercase hex characters. */
export const BRINK_TOKEN_PATTERN = /^[0-9a-f]{16,}$/;

/**
 * The hostname brink gives the container that carries `token`: `brink-<token>`.
 *
 * @example
 * brinkHostname("0123456789abcdef") // "brink-0123456789abcdef"
 */
export function brinkHostname(token: string): string {
  return `brink-${token}`;
}

/**
 * A fresh random token for one container: 32 lowercase hex characters, so its hostname
 * (`brink-` + token, 38 characters) stays within the kernel's 64 and DNS's 63.
 *
 * @example
 * const token = newBrinkToken(); // e.g. "9f86d081884c7d659a2feaa0c55ad015"
 */
export function newBrinkToken(): string {
  // Web Crypto, not node:crypto: importing that costs every probe process ~5 ms.
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex");
}

/**
 * This process's hostname: `<root>/proc/sys/kernel/hostname` (the UTS namespace's), or
 * os.hostname() where that file is absent.
 */
export function readHostname(root = "/"): string {
  return readText(root, "/proc/sys/kernel/hostname")?.trim() ?? hostname();
}

/**
 * Why this process is not one brink started for this run, or null when it is: brink gives
 * every container a random token T in `BRINK_TOKEN` and the hostname `brink-T`. A process
 * cannot set its hostname without CAP_SYS_ADMIN, so environment variables alone (which any
 * code can set) never pass.
 *
 * @example
 * const why = notStartedByBrink(); // null inside brink's containers
 */
export function notStartedByBrink(options: ReadOptions = {}): string | null {
  const token = (options.env ?? process.env).BRINK_TOKEN;
  if (token === undefined || token === "") return "BRINK_TOKEN is not set";
  if (!BRINK_TOKEN_PATTERN.test(token)) {
    return `BRINK_TOKEN=${token} is not 16 or more lowercase hex characters`;
  }
  const name = readHostname(options.root ?? "/");
  if (name !== brinkHostname(token)) {
    return `the hostname is ${JSON.stringify(name)}, not ${JSON.stringify(brinkHostname(token))}`;
  }
  return null;
}
