import { CATEGORIES } from "@brink/probes/host";
import { didYouMean } from "../args/did-you-mean.ts";
import { BrinkError } from "../errors.ts";
import { HELP } from "./help.ts";

/** parseArgs' error codes brink explains further once it knows the command. */
type ParseCode = "ERR_PARSE_ARGS_UNKNOWN_OPTION" | "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL";

/** What `explainUsage` needs to know of a parse error: what kind, and the word at fault. */
class ParseProblem extends Error {
  constructor(
    readonly parseCode: ParseCode,
    readonly word: string,
  ) {
    super(`${parseCode} ${word}`);
  }
}

/**
 * Runs a parseArgs call over `args`, turning its TypeError into a usage error in brink's
 * style (lowercase, names the flag and the value, says where help is). `explainUsage` adds
 * what only the command knows (the flag a typo meant). `onPositional`, when given, makes
 * the error for an argument the command does not take (`brink exec ls`).
 *
 * @example
 * const { values } = parseOrUsage(() => parseArgs({ args, options, strict: true }), args);
 */
export function parseOrUsage<T>(
  parse: () => T,
  args: string[] = [],
  onPositional?: (word: string) => BrinkError,
): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof BrinkError) throw e;
    const msg = (e as Error).message;
    const code = (e as { code?: string }).code;
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(msg);
    if (ambiguous) {
      const flag = ambiguous[1] as string;
      const value = args[args.indexOf(flag) + 1] ?? "";
      throw new BrinkError(
        "USAGE",
        `${flag} ${JSON.stringify(value)} is not valid: it must be a positive value such as ${flag} 128m or 256`,
      );
    }
    const unknown = /^Unknown option '([^']+)'/.exec(msg);
    if (unknown || code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const flag = unknown?.[1] ?? "?";
      throw new BrinkError("USAGE", `unknown option ${flag}; see --help`, {
        cause: new ParseProblem("ERR_PARSE_ARGS_UNKNOWN_OPTION", flag),
      });
    }
    const positional = /^Unexpected argument '([^']*)'/.exec(msg);
    if (positional) {
      const word = positional[1] as string;
      if (onPositional) throw onPositional(word);
      throw new BrinkError("USAGE", `unexpected argument ${JSON.stringify(word)}; see --help`, {
        cause: new ParseProblem("ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL", word),
      });
    }
    const missing = /^Option '(--[\w-]+)(?: <value>)?' argument missing/.exec(msg);
    const noValue = /^Option '(--[\w-]+)' does not take an argument/.exec(msg);
    const text = missing
      ? `${missing[1]} needs a value`
      : noValue
        ? `${noValue[1]} takes no value`
        : lowerFirst((msg.split("\n")[0] ?? msg).replace(/\.$/, ""));
    throw new BrinkError("USAGE", `${text}; see --help`, { cause: e });
  }
}

/** A message's first letter in lower case, as every brink usage error starts. */
export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** The flags a command's --help names (the docs test keeps them equal to what it parses). */
export function flagsOf(command: string): string[] {
  return [...new Set((HELP[command] ?? "").match(/--[a-z][a-z-]*/g) ?? [])].filter(
    (f) => f !== "--help",
  );
}

/**
 * A usage error made specific to `command`: an unknown option names the flag it most
 * probably meant (`--memry` -> `--memory`), an argument where none is taken says what to
 * write instead (`brink run fd` -> `--category fd`). Anything else is returned as it is.
 *
 * @example
 * throw explainUsage(e, "run");
 */
export function explainUsage(e: unknown, command: string): unknown {
  if (!(e instanceof BrinkError) || !(e.cause instanceof ParseProblem)) return e;
  const { parseCode, word } = e.cause;
  const help = `brink ${command} --help`;
  if (parseCode === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const near = didYouMean(word, flagsOf(command));
    return new BrinkError(
      "USAGE",
      `unknown option ${word}${near ? `; did you mean ${near}?` : ""} (${help} lists them)`,
    );
  }
  const category = (CATEGORIES as readonly string[]).includes(word);
  return new BrinkError(
    "USAGE",
    `unexpected argument ${JSON.stringify(word)}: ${command} takes only options${category ? `; did you mean --category ${word}?` : ""} (${help})`,
  );
}
