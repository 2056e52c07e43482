#!/usr/bin/env bun
/**
 * The in-container runner: guard first, then the NDJSON protocol on stdout.
 *
 *   bun packages/probes/src/runner.ts [--category a,b] [--probe id,...] [--suite FILE]... [--builtin] [--timeout MS]
 *
 * Exit codes: 0 ran (whatever the verdicts), 2 usage error, 3 refused (not fenced).
 */
import { parseArgs } from "node:util";
import {
  ensureFenced,
  FENCE_NAMES,
  fenceEnvName,
  GuardError,
  scratchDir,
  summarizeFences,
} from "@brink/guard";
import { ProbeError } from "./errors.ts";
import { loadSuite } from "./load-suite.ts";
import type { Category, Probe } from "./probe.ts";
import { encodeEvent, type RunnerEvent } from "./protocol.ts";
import { probeTimeout, runProbe } from "./run-probe.ts";
import { selectProbes } from "./select-probes.ts";
import { builtinProbes } from "./suite/index.ts";
import { flushStdout, writeAllSync } from "./write-events.ts";

/**
 * Writes one event on a line of its own: after the probe's queued output, and starting
 * with a newline in case that output did not end with one.
 */
async function emit(e: RunnerEvent): Promise<void> {
  await flushStdout();
  writeAllSync(1, `\n${encodeEvent(e)}`);
}

function fail(code: number, message: string): never {
  process.stderr.write(`brink runner: ${message}\n`);
  process.exit(code);
}

const list = (v: string | undefined) =>
  v
    ? v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

async function main(): Promise<void> {
  let args: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      options: {
        category: { type: "string" },
        probe: { type: "string" },
        suite: { type: "string", multiple: true },
        builtin: { type: "boolean" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  }
  try {
    args = parse();
  } catch (e) {
    fail(2, `${(e as Error).message}; see --help`);
  }
  if (args.help) {
    process.stdout.write(
      "usage: runner.ts [--category a,b] [--probe id,...] [--suite FILE]... [--builtin]\n",
    );
    return;
  }
  // Guard first: no pressure, no suite code, before the fences are known to hold.
  let fenced: ReturnType<typeof ensureFenced>;
  try {
    const unasked = FENCE_NAMES.filter((n) => n !== "cpus" && !process.env[fenceEnvName(n)]);
    if (unasked.length) {
      throw new GuardError(
        "FENCE_MISSING",
        `refusing destructive work: ${unasked.map(fenceEnvName).join(", ")} not set, so those fences are not known to hold. Run it through brink run.`,
      );
    }
    fenced = ensureFenced();
  } catch (e) {
    const err = e as Error & { code?: string };
    await emit({ event: "refused", code: err.code ?? "UNEXPECTED", message: err.message });
    fail(3, err.message);
  }
  let probes: Probe[] = [];
  try {
    const suites = args.suite ?? [];
    if (!suites.length || args.builtin) probes.push(...builtinProbes);
    for (const s of suites) probes.push(...(await loadSuite(s)));
    probes = selectProbes(probes, {
      categories: list(args.category) as Category[],
      ids: list(args.probe),
    });
  } catch (e) {
    fail(2, e instanceof ProbeError ? e.message : String(e));
  }
  const timeoutMs = args.timeout ? Number(args.timeout) : undefined;
  if (timeoutMs !== undefined && !(timeoutMs > 0))
    fail(2, `--timeout ${args.timeout} is not a number of ms above zero`);
  const fence = summarizeFences(fenced.fences);
  await emit({
    event: "fence",
    fences: fenced.fences,
    fence,
    container: fenced.container,
    bun: Bun.version,
  });
  for (const probe of probes) {
    await emit({ event: "start", id: probe.id, timeoutMs: probeTimeout(probe) });
    const result = await runProbe(probe, {
      fences: fenced.fences,
      fence,
      scratchRoot: scratchDir(),
    });
    await emit({ event: "result", ...result });
  }
  await emit({ event: "done", total: probes.length });
}

await main();
