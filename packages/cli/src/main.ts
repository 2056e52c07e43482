#!/usr/bin/env bun
/**
 * brink's entry point: parses the command, runs it, and turns expected failures into one or
 * two lines and the exit code of DESIGN.md; never a stack trace for those.
 */

import { didYouMean } from "./args/did-you-mean.ts";
import { HELP } from "./commands/help.ts";
import { explainUsage } from "./commands/parse.ts";
import { BrinkError } from "./errors.ts";
import { VERSION } from "./version.ts";

/** brink's commands: each takes its arguments (after the command) and returns the exit code. */
// Each command's code is imported when it runs: `brink exec` does not load the wizard,
// the reports or the sweep (every command starts faster).
export const COMMANDS: Record<string, (args: string[], ui: { color: boolean }) => Promise<number>> =
  {
    run: async (args, ui) => (await import("./commands/run.ts")).runCommand(args, ui),
    exec: async (args) => (await import("./commands/exec.ts")).execCommand(args),
    sweep: async (args) => (await import("./commands/sweep.ts")).sweepCommand(args),
    squeeze: async (args, ui) => (await import("./commands/squeeze.ts")).squeezeCommand(args, ui),
    init: async (args) => (await import("./commands/init.ts")).initCommand(args),
    list: async (args, ui) => (await import("./commands/list.ts")).listCommand(args, ui),
    doctor: async (args, ui) => (await import("./commands/doctor.ts")).doctorCommand(args, ui),
    clean: async (args) => (await import("./commands/clean.ts")).cleanCommand(args),
  };

/** Colour: off with NO_COLOR, --no-color, or when stderr is not a terminal. */
export function colorEnabled(argv: string[], env = process.env): boolean {
  return (
    !argv.includes("--no-color") && !env.NO_COLOR && (!!process.stderr.isTTY || !!env.FORCE_COLOR)
  );
}

/**
 * An expected failure as brink prints it: one style for every command, `brink: ` and the
 * message, never `brink: brink sweep ...` (a message that names its command starts with it).
 *
 * @example
 * errorLine("brink sweep needs --fault") // "brink: sweep needs --fault"
 */
export function errorLine(message: string): string {
  return `brink: ${message.replace(/^brink (?=[a-z]+ )/, "")}`;
}

/** Runs brink with `argv` (without the program name) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const cut = argv.indexOf("--");
  const own = cut < 0 ? argv : argv.slice(0, cut);
  const color = colorEnabled(own);
  // --no-color is global, wherever it stands before "--"; CMD after "--" is never touched.
  const [command, ...rest] = own.filter((x) => x !== "--no-color");
  if (own.includes("--version") || own.includes("-v")) {
    process.stdout.write(`brink ${VERSION}\n`);
    return 0;
  }
  if (own.includes("--help") || own.includes("-h") || command === "help") {
    const topic = [command, rest[0]].find((t) => t && t !== "help" && HELP[t]) ?? "main";
    process.stdout.write(`${HELP[topic]}\n`);
    return 0;
  }
  if (!command) {
    if (process.stdin.isTTY && process.stdout.isTTY)
      return (await import("./wizard/wizard.ts")).runWizard({ color });
    process.stderr.write(
      `${HELP.main}\n\nbrink: no command given and no terminal for the wizard; use e.g. brink run\n`,
    );
    return 2;
  }
  const args = [...rest, ...(cut < 0 ? [] : argv.slice(cut))];
  const run = COMMANDS[command];
  if (!run) {
    const near = didYouMean(command, Object.keys(COMMANDS));
    throw new BrinkError(
      "USAGE",
      `unknown command "${command}"${near ? `; did you mean ${near}? (brink ${near} --help)` : `; use ${Object.keys(COMMANDS).join(", ")} (brink --help)`}`,
    );
  }
  try {
    return await run(args, { color });
  } catch (e) {
    throw explainUsage(e, command);
  }
}

if (import.meta.main) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (e) {
    if (e instanceof BrinkError) {
      process.stderr.write(`${errorLine(e.message)}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(
        `brink: unexpected error: ${(e as Error)?.stack ?? e}\nPlease report this.\n`,
      );
      process.exitCode = 1;
    }
  }
  // Everything is written and every container removed: leave now rather than wait for
  // sockets of an engine that went away to time out.
  await new Promise<void>((r) => process.stdout.write("", () => r()));
  process.exit(Number(process.exitCode ?? 0));
}
