import { parseArgs } from "node:util";
import { COMMAND_MINIMUM, LIMIT_OPTIONS, limitsFromFlags } from "../args/limits.ts";
import { parseConcurrency, resolveProject } from "../args/plan.ts";
import { parseCount, parseDuration, parseSize } from "../args/units.ts";
import { BrinkError } from "../errors.ts";
import {
  DEFAULT_SQUEEZE_FENCES,
  formatFence,
  SCALES,
  SQUEEZE_FENCES,
  type SqueezeFence,
} from "../orchestrate/squeeze-fences.ts";
import type { SqueezePlan } from "../orchestrate/squeeze-runner.ts";
import { parseCheck } from "../orchestrate/sweep-check.ts";
import { diskWithinMemory, splitAtDashes } from "./exec.ts";
import { parseOrUsage } from "./parse.ts";

/** The flags of `brink squeeze`. */
export const SQUEEZE_OPTIONS = {
  ...LIMIT_OPTIONS,
  fence: { type: "string", multiple: true },
  range: { type: "string", multiple: true },
  check: { type: "string" },
  repeat: { type: "string" },
  headroom: { type: "string" },
  timeout: { type: "string" },
  concurrency: { type: "string" },
  project: { type: "string" },
  "writable-project": { type: "boolean" },
  json: { type: "string" },
  junit: { type: "string" },
  markdown: { type: "string" },
} as const;

/** A squeeze plan and where its reports go. */
export type SqueezeArgs = SqueezePlan & { json?: string; junit?: string; markdown?: string };

/** --fence memory --fence nofile, or --fence memory,nofile; each known, none twice. */
export function parseFences(values: string[] | undefined): SqueezeFence[] {
  if (!values?.length) return [...DEFAULT_SQUEEZE_FENCES];
  const out: SqueezeFence[] = [];
  for (const name of values.flatMap((v) => v.split(",")).map((s) => s.trim())) {
    if (!(SQUEEZE_FENCES as readonly string[]).includes(name))
      throw new BrinkError(
        "USAGE",
        `--fence ${JSON.stringify(name)} is not a fence; use ${SQUEEZE_FENCES.join(", ")}`,
      );
    if (!out.includes(name as SqueezeFence)) out.push(name as SqueezeFence);
  }
  return out;
}

/** A value of `fence` as --range writes it: a size (68m) or a count. */
function parseValue(fence: SqueezeFence, flag: string, text: string): number {
  return SCALES[fence].kind === "size" ? parseSize(flag, text) : parseCount(flag, text, 4_194_304);
}

/**
 * Parses --range FENCE=LOW..HIGH over the default ranges; the fence must be one squeezed,
 * LOW below HIGH and at least what the engine takes.
 *
 * @example
 * parseRanges(["memory=64m..512m"], ["memory"]).memory // { low: 67108864, high: 536870912 }
 */
export function parseRanges(
  values: string[] | undefined,
  fences: SqueezeFence[],
): SqueezePlan["ranges"] {
  const ranges = Object.fromEntries(
    SQUEEZE_FENCES.map((f) => [f, { low: SCALES[f].low, high: SCALES[f].high }]),
  ) as SqueezePlan["ranges"];
  for (const value of values ?? []) {
    const m = /^([a-z]+)=([^.]+)\.\.(.+)$/.exec(value.trim());
    if (!m)
      throw new BrinkError(
        "USAGE",
        `--range ${JSON.stringify(value)} is not FENCE=LOW..HIGH, e.g. --range memory=64m..512m`,
      );
    const fence = m[1] as SqueezeFence;
    if (!fences.includes(fence))
      throw new BrinkError(
        "USAGE",
        `--range ${value}: ${JSON.stringify(fence)} is not a fence being squeezed (${fences.join(", ")}); add --fence ${fence}`,
      );
    const flag = `--range ${fence}`;
    const low = parseValue(fence, flag, m[2] as string);
    const high = parseValue(fence, flag, m[3] as string);
    const floor = SCALES[fence].floor;
    if (low >= high) throw new BrinkError("USAGE", `--range ${value}: LOW must be below HIGH`);
    if (low < floor)
      throw new BrinkError(
        "USAGE",
        `--range ${value}: the engine takes no ${fence} under ${formatFence(fence, floor)}; raise LOW`,
      );
    ranges[fence] = { low, high };
  }
  return ranges;
}

/** --headroom 25% (or 25): the fraction added to a threshold for the recommended value. */
export function parseHeadroom(value: string | undefined): number {
  if (value === undefined) return 0.25;
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(value.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  if (!(n >= 0 && n <= 1000))
    throw new BrinkError(
      "USAGE",
      `--headroom ${JSON.stringify(value)} is not a percentage from 0 to 1000, e.g. 25%`,
    );
  return n / 100;
}

/**
 * Turns `brink squeeze` flags into a plan; every bad value is a usage error naming it.
 *
 * @example
 * squeezeArgs(["--fence", "memory", "--", "bun", "parse.ts"]).ranges.memory // { low: 8m, high: 1g }
 */
export function squeezeArgs(argv: string[]): SqueezeArgs {
  const { flags, command } = splitAtDashes(argv);
  const { values: v } = parseOrUsage(
    () => parseArgs({ args: flags, options: SQUEEZE_OPTIONS, strict: true }),
    flags,
  );
  if (!command.length)
    throw new BrinkError(
      "USAGE",
      "brink squeeze needs a command after --, e.g. brink squeeze --fence memory -- bun parse.ts",
    );
  const fences = parseFences(v.fence);
  const limits = diskWithinMemory(limitsFromFlags(v, COMMAND_MINIMUM), v.disk !== undefined);
  if (v.check !== undefined) parseCheck("--check", v.check);
  return {
    command,
    check: v.check,
    fences,
    ranges: parseRanges(v.range, fences),
    limits,
    repeat: v.repeat === undefined ? 2 : parseCount("--repeat", v.repeat, 20),
    headroom: parseHeadroom(v.headroom),
    timeoutMs: v.timeout === undefined ? null : parseDuration("--timeout", v.timeout),
    concurrency: parseConcurrency(v.concurrency),
    project: resolveProject(v.project),
    writableProject: v["writable-project"] ?? false,
    json: v.json,
    junit: v.junit,
    markdown: v.markdown,
  };
}
