#!/usr/bin/env bun
/**
 * The in-container runner. It imports no code under test: it reads the fences, then starts
 * one process per probe (probe-host.ts) with a fresh environment and an emptied scratch
 * directory, judges each from what that process reported *and* how it ended, and sends the
 * results to the host on the authenticated channel (channel.ts).
 *
 *   bun --config=/dev/null runner.ts --plan JSON [--suite FILE]... [--builtin]
 *   bun --config=/dev/null runner.ts --list [--suite FILE]... [--builtin]
 *
 * `--plan` is the host's list of probes to run ({id, category, expected, timeoutMs}).
 * Exit codes: 0 ran (whatever the verdicts), 2 usage error, 3 refused (not fenced).
 */
import { parseArgs } from "node:util";
import {
  ensureFenced,
  FENCE_NAMES,
  type FenceSummary,
  fenceEnvName,
  GuardError,
  readMemoryUsage,
  scratchDir,
  summarizeFences,
} from "@brink/guard";
import { CATEGORY_FENCE } from "./category-fence.ts";
import { openChannel } from "./channel.ts";
import type { ProbeMeta, RunnerEvent } from "./protocol.ts";
import { emptyDir, killOthers } from "./runner/container-reset.ts";
import { holdFdTableOpen } from "./runner/fd-table.ts";
import { type ProbeEvidence, spawnProbe } from "./runner/spawn-probe.ts";
import { type PlannedProbe, verdictOf } from "./runner/verdict-of.ts";
import { writeAllSync } from "./write-events.ts";

// The hello goes out before anything else can write: nothing under test has run yet.
const channel = openChannel((line) => writeAllSync(1, line));
const emit = (e: RunnerEvent) => channel.send(e);
/**
 * The environment every probe process starts with: the container's, as it was, less the
 * JSC settings meant for the runner alone (BUN_JSC_*).
 */
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith("BUN_JSC_")),
);

/**
 * Starts, before any probe, the threads Bun would otherwise start lazily (a GC helper, the
 * process waiter): once a probe has used up the pids fence, a Bun that needs a new thread
 * aborts.
 */
async function warmUp(): Promise<void> {
  Bun.gc(true);
  await Bun.spawn([process.execPath, "--version"], { stdio: ["ignore", "ignore", "ignore"] })
    .exited;
}
const WORK = "/work";
/** How long a suite may take to load when listing its probes. */
const LIST_TIMEOUT_MS = 30_000;

function fail(code: number, message: string): never {
  process.stderr.write(`brink runner: ${message}\n`);
  process.exit(code);
}

/** The guard's answer, as a refused event when it says no. */
function guard() {
  try {
    const unasked = FENCE_NAMES.filter((n) => n !== "cpus" && !ENV[fenceEnvName(n)]);
    if (unasked.length) {
      throw new GuardError(
        "FENCE_MISSING",
        `refusing destructive work: ${unasked.map(fenceEnvName).join(", ")} not set, so those fences are not known to hold. Run it through brink run.`,
      );
    }
    return ensureFenced();
  } catch (e) {
    const err = e as Error & { code?: string };
    emit({
      event: "refused",
      code: String(err.code ?? "UNEXPECTED"),
      message: String(err.message),
    });
    fail(3, String(err.message));
  }
}

function suiteArgs(suites: string[], builtin: boolean): string[] {
  return [...suites.flatMap((s) => ["--suite", s]), ...(builtin ? ["--builtin"] : [])];
}

/** Lists the probes of the suites from a probe process of its own. */
async function list(suites: string[], builtin: boolean): Promise<void> {
  const ev = await spawnProbe(["--list", ...suiteArgs(suites, builtin)], {
    timeoutMs: LIST_TIMEOUT_MS,
    env: ENV,
    cwd: WORK,
    afterExit: killOthers,
  });
  const r = ev.report;
  if (typeof r === "object" && r?.kind === "list")
    emit({ event: "probes", probes: r.probes as ProbeMeta[] });
  else if (typeof r === "object" && r?.kind === "bad-suite")
    emit({ event: "bad-suite", message: r.message });
  else if (typeof r === "string")
    emit({
      event: "bad-suite",
      message: `listing ${suites.join(", ") || "the built-in suite"}: ${r}`,
    });
  else
    emit({
      event: "bad-suite",
      message: ev.timedOut
        ? `loading the suite did not finish within ${LIST_TIMEOUT_MS / 1000} s (a top-level await that never settles?)`
        : `loading ${suites.join(", ") || "the built-in suite"} ${describe(ev)}${ev.log ? `: ${ev.log.trim().split("\n").slice(-3).join(" | ")}` : ""}`,
    });
}

function describe(ev: ProbeEvidence): string {
  return ev.signal
    ? `was killed by ${ev.signal}`
    : `ended with exit code ${ev.exitCode} before it listed its probes (a process.exit at the suite's top level?)`;
}

/** Whether a category's fence was in force when the runner started, and why not. */
function unfenced(probe: PlannedProbe, fence: FenceSummary): string | null {
  const name = CATEGORY_FENCE[probe.category];
  if (!ENV[fenceEnvName(name)])
    return `${fenceEnvName(name)} is not set, so no ${name} fence is known to hold`;
  if (fence[name] == null) return `no ${name} fence is in force in this container`;
  return null;
}

async function main(): Promise<void> {
  let v: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      options: {
        plan: { type: "string" },
        list: { type: "boolean" },
        suite: { type: "string", multiple: true },
        builtin: { type: "boolean" },
      },
      strict: true,
    }).values;
  }
  try {
    v = parse();
  } catch (e) {
    fail(2, `${(e as Error).message}`);
  }
  const suites = v.suite ?? [];
  const builtin = v.builtin === true || !suites.length;
  const fenced = guard();
  const fence = summarizeFences(fenced.fences);
  emit({
    event: "fence",
    fences: fenced.fences,
    fence,
    container: fenced.container,
    bun: Bun.version,
  });
  if (v.list) {
    await list(suites, builtin);
    emit({ event: "done", total: 0 });
    return;
  }
  let plan: PlannedProbe[];
  try {
    plan = JSON.parse(v.plan ?? "[]");
  } catch {
    fail(2, "--plan is not JSON");
  }
  await warmUp();
  await holdFdTableOpen();
  const scratch = scratchDir(ENV);
  const fencesJson = JSON.stringify({ fences: fenced.fences, fence });
  const plain = (probe: PlannedProbe, status: "skip" | "error", message: string, observed = {}) =>
    emit({
      event: "result",
      id: probe.id,
      category: probe.category,
      title: probe.title ?? probe.id,
      expected: probe.expected,
      status,
      durationMs: 0,
      message,
      fence,
      observed,
    });
  for (const probe of plan) {
    const why = unfenced(probe, fence);
    if (why) {
      plain(probe, "skip", `refusing to run it: ${why}`, { refused: "UNFENCED" });
      continue;
    }
    emit({ event: "start", id: probe.id, timeoutMs: probe.timeoutMs });
    const before = readMemoryUsage().oomKills;
    let leftovers = 0;
    let evidence: ProbeEvidence;
    try {
      evidence = await spawnProbe(
        [
          ...["--probe", probe.id, "--category", probe.category],
          ...["--timeout", String(probe.timeoutMs)],
          ...["--scratch", `${scratch}/${probe.id}`, "--fences", fencesJson],
          ...suiteArgs(suites, builtin),
        ],
        {
          timeoutMs: probe.timeoutMs,
          env: { ...ENV },
          cwd: WORK,
          afterExit: async () => {
            leftovers = await killOthers();
          },
        },
      );
    } catch (e) {
      // Its process could not even start (pids or memory exhausted by what came before).
      await killOthers();
      plain(probe, "error", `its process could not start: ${(e as Error)?.message ?? e}`);
      continue;
    } finally {
      emptyDir(scratch);
      emptyDir("/dev/shm");
    }
    const after = readMemoryUsage().oomKills;
    const oomKills = before !== null && after !== null ? after - before : null;
    emit({ event: "result", ...verdictOf({ probe, fence, evidence, oomKills, leftovers }) });
  }
  emit({ event: "done", total: plan.length });
}

await main();
process.exit(0);
