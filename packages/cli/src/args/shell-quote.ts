/** Words no POSIX shell (nor zsh, whose `=cmd` expands) treats specially. */
const PLAIN = /^[\w@%+:,./-][\w@%+=:,./-]*$/;

/**
 * One argument as a POSIX shell reads it back unchanged: as it is when it holds only
 * characters no shell treats specially, else in single quotes (a single quote inside
 * becomes `'\''`). The empty string is `''`.
 *
 * @example
 * shellQuote("reports/brink.json") // "reports/brink.json"
 * shellQuote("my suite.ts") // "'my suite.ts'"
 * shellQuote("it's") // "'it'\\''s'"
 */
export function shellQuote(arg: string): string {
  if (PLAIN.test(arg)) return arg;
  return `'${arg.replace(/'/g, "'\\''")}'`;
}

/**
 * A command line from its arguments, each quoted with `shellQuote`: pasted into sh, bash or
 * zsh it runs with exactly these arguments.
 *
 * @example
 * shellLine(["bunx", "brink", "run", "--suite", "my suite.ts"]) // "bunx brink run --suite 'my suite.ts'"
 */
export function shellLine(args: readonly string[]): string {
  return args.map(shellQuote).join(" ");
}
