import { escapeControls } from "./escape.ts";

/**
 * Any value as XML 1.0 character data: coerced to text, every character XML 1.0 forbids
 * (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/U+FFFF) and every other control
 * character written visibly (`\x1b`, like the terminal), `&`, `<`, `>` as entities, line
 * feeds kept. Astral characters (emoji, U+1D518) are valid XML and kept.
 *
 * @example
 * xmlText("a < b\u0000 😀") // "a &lt; b\\x00 😀"
 */
export function xmlText(v: unknown): string {
  return escapeControls(v).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Any value as a double- or single-quoted XML attribute value: `xmlText`, plus quotes as
 * entities and line feeds as `&#10;` (a parser would otherwise read them as spaces).
 *
 * @example
 * `<failure message="${xmlAttr('say "hi"\nthen')}"/>` // message="say &quot;hi&quot;&#10;then"
 */
export function xmlAttr(v: unknown): string {
  return xmlText(v).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\n/g, "&#10;");
}
