import * as p from "@clack/prompts";

/** Cancelled at a prompt: leave cleanly. */
export class Cancelled extends Error {}

/**
 * A prompt's answer, or `Cancelled` thrown when the user pressed Ctrl-C or Esc.
 *
 * @example
 * const name = ask(await p.text({ message: "Name?" })) as string;
 */
export function ask<T>(value: T | symbol): T {
  if (p.isCancel(value)) throw new Cancelled();
  return value as T;
}

/**
 * A validator for clack's text prompt from a parser that throws on a bad value: the error's
 * message is shown under the prompt, which stays open for a better answer.
 *
 * @example
 * p.text({ message: "Memory fence", validate: validator((v) => parseLimit("memory", v)) })
 */
export function validator(parse: (v: string) => unknown) {
  return (v: string | undefined) => {
    try {
      parse(v ?? "");
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
}
