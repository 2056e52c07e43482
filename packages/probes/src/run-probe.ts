import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { FenceSummary, Fences } from "@brink/guard";
import { CATEGORY_FENCE } from "./category-fence.ts";
import { ProbeError } from "./errors.ts";
import * as pressure from "./pressure/index.ts";
import { requireFence } from "./pressure/require-fence.ts";
import type { Probe, ProbeOutcome } from "./probe.ts";
import type { ProbeResult } from "./protocol.ts";

/** What {@link runProbe} needs besides the probe. */
export interface RunProbeOptions {
  fences: Fences;
  fence: FenceSummary;
  /** Each probe gets `<scratchRoot>/<id>`, removed afterwards. */
  scratchRoot: string;
  /** @default 30000 */
  defaultTimeoutMs?: number;
  /** Overrides every probe's own timeout (the CLI's --timeout). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** The timeout a probe runs under. */
export function probeTimeout(probe: Probe, fallback = 30_000): number {
  return probe.timeoutMs ?? fallback;
}

/**
 * Runs one probe: its own scratch directory, an AbortSignal for its timeout, and a result
 * built from what it returned. A thrown error is a failure with its message; a timeout is
 * an error; a probe that expected to be killed and returned has failed.
 *
 * @example
 * const result = await runProbe(probe, { fences, fence, scratchRoot: "/scratch" });
 */
export async function runProbe(probe: Probe, options: RunProbeOptions): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? probeTimeout(probe, options.defaultTimeoutMs);
  const scratch = join(options.scratchRoot, probe.id);
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const controller = new AbortController();
  const base = {
    id: probe.id,
    category: probe.category,
    title: probe.title,
    expected: probe.expected,
    fence: options.fence,
  };
  // Guard first: a probe whose category's fence is not in force never runs (on a host,
  // without BRINK_DESTRUCTIVE=1, or in a container without that limit).
  try {
    requireFence(CATEGORY_FENCE[probe.category], probe.id);
  } catch (e) {
    return {
      ...base,
      status: "skip",
      durationMs: 0,
      message: (e as Error).message,
      observed: { refused: (e as ProbeError).code },
    };
  }
  const started = performance.now();
  let timer: Timer | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve("timeout");
    }, timeoutMs);
  });
  let outcome: ProbeOutcome | "timeout" | { thrown: unknown };
  try {
    mkdirSync(scratch, { recursive: true });
    const running = Promise.resolve().then(() =>
      probe.run({
        fences: options.fences,
        fence: options.fence,
        scratch,
        signal: controller.signal,
        log: (...parts) => log(`[${probe.id}] ${parts.map(String).join(" ")}`),
        pressure,
      }),
    );
    outcome = await Promise.race([running.catch((thrown) => ({ thrown })), timedOut]);
  } catch (thrown) {
    outcome = { thrown };
  } finally {
    clearTimeout(timer);
    rmSync(scratch, { recursive: true, force: true });
  }
  const durationMs = Math.round(performance.now() - started);
  if (outcome === "timeout") {
    return {
      ...base,
      status: "error",
      durationMs,
      message: `timed out after ${timeoutMs} ms`,
      observed: { timeoutMs },
    };
  }
  if ("thrown" in outcome) {
    const e = outcome.thrown as Error & { code?: string };
    if (e instanceof ProbeError && e.code === "UNFENCED") {
      return { ...base, status: "skip", durationMs, message: e.message, observed: {} };
    }
    return {
      ...base,
      status: "fail",
      durationMs,
      message: `threw ${e?.name ?? "error"}: ${e?.message ?? String(e)}`,
      observed: { thrown: e?.name ?? String(e), code: e?.code },
    };
  }
  if (probe.expected === "killed") {
    return {
      ...base,
      status: "fail",
      durationMs,
      message: `expected the fence to kill it, but it returned: ${outcome.message}`,
      observed: outcome.observed,
    };
  }
  return {
    ...base,
    status: outcome.ok ? "pass" : "fail",
    durationMs,
    message: outcome.message,
    observed: outcome.observed,
  };
}
