import pkg from "../package.json" with { type: "json" };

/** brink's version, from @brink/cli's package.json. */
export const VERSION: string = pkg.version;
