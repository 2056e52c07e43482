import { ProbeError } from "../errors.ts";

/**
 * Splits a command line into argv: whitespace separates, single and double quotes group
 * (there is no shell in the probe image to do it).
 *
 * @example
 * splitCommand(`bun check.ts "my file.json"`) // ["bun", "check.ts", "my file.json"]
 */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  let any = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      any = true;
    } else if (/\s/.test(ch)) {
      if (cur || any) out.push(cur);
      cur = "";
      any = false;
    } else cur += ch;
  }
  if (quote) throw new ProbeError("BAD_OPTION", `unclosed ${quote} in: ${line}`);
  if (cur || any) out.push(cur);
  return out;
}
