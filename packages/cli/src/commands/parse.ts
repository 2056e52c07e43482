import { BrinkError } from "../errors.ts";

/**
 * Runs a parseArgs call over `args`, turning its TypeError into a usage error that names
 * the flag (and the value, where there is one) and says how to get help.
 *
 * @example
 * const { values } = parseOrUsage(() => parseArgs({ args, options, strict: true }), args);
 */
export function parseOrUsage<T>(parse: () => T, args: string[] = []): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof BrinkError) throw e;
    const msg = (e as Error).message;
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(msg);
    if (ambiguous) {
      const flag = ambiguous[1] as string;
      const value = args[args.indexOf(flag) + 1] ?? "";
      throw new BrinkError(
        "USAGE",
        `${flag} ${JSON.stringify(value)} is not valid: it must be a positive value such as ${flag} 128m or 256`,
      );
    }
    const missing = /^Option '(--[\w-]+)(?: <value>)?' argument missing/.exec(msg);
    const text = missing
      ? `${missing[1]} needs a value`
      : (msg.split("\n")[0] ?? msg).replace(/\.$/, "");
    throw new BrinkError("USAGE", `${text}; see --help`, { cause: e });
  }
}
