import { toText } from "./text.ts";

/**
 * Characters a terminal (or a reader) must never get raw: C0 controls (NUL, ESC, newlines,
 * tabs...), DEL, C1 controls (U+0080-U+009F, which include the 8-bit CSI), the Unicode line
 * and paragraph separators, the bidirectional overrides and isolates ("Trojan Source"), lone
 * surrogates, and U+FFFE/U+FFFF (which XML 1.0 forbids). With the `u` flag a surrogate pair is one astral code point, so only a
 * lone surrogate matches U+D800-U+DFFF.
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]/gu;
const UNSAFE_BUT_NEWLINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: as above, line feeds kept
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]/gu;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `\n`, `\x1b`, `\u202e`: a control character written as visible text. */
function visible(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Makes any value safe to print on one terminal line: coerced to text (see `toText`), every
 * control character (C0, C1, DEL, NUL, ESC, so no ANSI sequence survives), newline, Unicode
 * line separator, bidi override and lone surrogate written visibly escaped (`\x1b`, `\n`,
 * `\u202e`). Printable text, including emoji and other astral characters, is kept.
 *
 * @example
 * cleanTerminalText("\u001b[31mred\u0000\nnext") // "\\x1b[31mred\\x00\\nnext"
 * cleanTerminalText(undefined) // ""
 */
export function cleanTerminalText(s: unknown): string {
  return toText(s).replace(UNSAFE, visible);
}

/**
 * Like `cleanTerminalText`, but keeps line feeds: the same escaping for every other control
 * character, for text (Markdown, XML) where a newline is then handled on its own.
 *
 * @example
 * escapeControls("a\u001b\nb") // "a\\x1b\nb"
 */
export function escapeControls(s: unknown): string {
  return toText(s).replace(UNSAFE_BUT_NEWLINE, visible);
}

/**
 * Multi-line text for the terminal: each line cleaned (`cleanTerminalText`) and every line
 * after the first indented by `indent`, so text from a container never starts a line of its
 * own that could pass for brink's output. At most `maxLines` lines, then a count of the rest.
 *
 * @example
 * cleanTerminalLines("Error: x\n  at f (a.ts:1)", "    ") // "Error: x\n      at f (a.ts:1)"
 */
export function cleanTerminalLines(s: unknown, indent: string, maxLines = 12): string {
  const lines = toText(s)
    .replace(/\s+$/, "")
    .split(/\r\n|\n|\r/);
  const shown = lines.slice(0, maxLines).map(cleanTerminalText);
  if (lines.length > maxLines) shown.push(`... ${lines.length - maxLines} more lines`);
  return shown.join(`\n${indent}`);
}
