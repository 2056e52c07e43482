import { BrinkError } from "../errors.ts";

/** Runs a parseArgs call, turning its TypeError into a usage error that says how to get help. */
export function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof BrinkError) throw e;
    const msg = (e as Error).message
      .replace(/\. To specify.*$/s, "")
      .replace(/^Option '(.*?)' argument missing$/, "$1 needs a value");
    throw new BrinkError("USAGE", `${msg}; see --help`, { cause: e });
  }
}
