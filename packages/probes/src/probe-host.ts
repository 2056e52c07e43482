#!/usr/bin/env bun
/**
 * The process one probe runs in, started by the runner (never by hand):
 *
 *   bun probe-host.ts --probe ID --timeout MS --scratch DIR --fences JSON [--suite FILE]... [--builtin]
 *   bun probe-host.ts --list [--suite FILE]... [--builtin]
 *
 * It loads the suite (the user's code runs here, not in the runner), runs the one probe and
 * writes one report line on fd 3, a pipe only the runner reads: the probe's stdout and
 * stderr are captured by the runner as its log and never parsed. Then it exits at once,
 * whatever handles the probe left open. What it reports is only half the evidence: the
 * runner also judges how this process ended.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { describeThrown, ownKey, plain, safeJson, safeText } from "./normalize.ts";
import { CATEGORIES, type Category, type Probe } from "./probe.ts";
import { builtinProbesOf } from "./suite/by-category.ts";

// Captured before any suite loads: a suite may patch globals, exit early or close fds.
const exit: (code: number) => never = (process.reallyExit?.bind(process) ??
  process.exit.bind(process)) as (code: number) => never;
const write = writeSync;
const bufferFrom = Buffer.from.bind(Buffer);
const open = openSync;
const close = closeSync;
const clock = performance.now.bind(performance);
const setTimer = setTimeout;

/** What this process tells the runner on fd 3. */
export type HostReport =
  | {
      kind: "outcome";
      ok: boolean;
      message: string;
      observed: Record<string, unknown>;
      /** A non-zero `process.exitCode` the code set: the exit it would have had. */
      exitCode?: number;
    }
  | { kind: "no-verdict"; got: string }
  | {
      kind: "threw";
      name: string;
      message: string;
      code?: string;
      stack?: string;
      /** It escaped the probe's code (an uncaught exception or unhandled rejection) rather than being thrown by run(). */
      uncaught?: boolean;
    }
  | { kind: "timeout"; timeoutMs: number }
  | { kind: "bad-suite"; message: string }
  | { kind: "list"; probes: unknown[] }
  /** Sent before the probe runs: the suite has loaded and the probe's clock starts. */
  | { kind: "loaded" };

/** Reports larger than this have their `observed` cut to a preview, with a note. */
export const OBSERVED_MAX = 256 * 1024;

function report(r: HostReport): never {
  let line = `${safeJson(r)}\n`;
  if (line.length > OBSERVED_MAX && r.kind === "outcome") {
    const whole = safeJson(r.observed);
    line = `${safeJson({ ...r, observed: { truncated: `observed was ${whole.length} characters, over the ${OBSERVED_MAX} cap; this is its start`, preview: whole.slice(0, 4096) } })}\n`;
  }
  try {
    send(line);
  } catch {
    exit(70);
  }
  exit(0);
}

/**
 * Where reports go: `--report` is a path to the runner's end of a pipe
 * (/proc/<runner>/fd/<n>), opened only for each write, so the probe's code holds no
 * descriptor of it to write on or close by accident (fd 3 is free for the code's own use);
 * or a descriptor number where the runner could not make a pipe of its own.
 */
let reportPath: string | null = null;
let reportFd = 3;

function send(line: string): void {
  const fd = reportPath === null ? reportFd : open(reportPath, "w");
  let buf = bufferFrom(line);
  while (buf.length) buf = buf.subarray(write(fd, buf));
  if (reportPath !== null) close(fd);
}

/**
 * An error that escaped the probe's code while it ran (an uncaught exception, an unhandled
 * rejection): plain Bun would die of it, so the probe has failed, whatever it returns after.
 */
const escaped = (e: unknown) => report({ kind: "threw", ...describeThrown(e), uncaught: true });

async function loadAll(suites: string[], builtin: boolean, category?: Category): Promise<Probe[]> {
  // The built-in suite alone: its ids are unique (a test says so), nothing more to load.
  if (!suites.length && category) return builtinProbesOf(category);
  const { loadSuite, uniqueIds } = await import("./load-suite.ts");
  const sources: [string, Probe[]][] = [];
  if (builtin || !suites.length)
    sources.push(["the built-in suite", (await import("./suite/index.ts")).builtinProbes]);
  for (const s of suites) sources.push([s, await loadSuite(s)]);
  return uniqueIds(sources);
}

/** Turns what `run` returned into a report, trusting nothing about its shape. */
export function outcomeReport(v: unknown): HostReport {
  if (v === undefined) return { kind: "no-verdict", got: "undefined" };
  // plain() copies own keys into objects with no prototype: `ok` cannot come from one.
  const o = plain(v);
  if (
    typeof o !== "object" ||
    o === null ||
    Array.isArray(o) ||
    !ownKey(o, "ok") ||
    typeof (o as { ok?: unknown }).ok !== "boolean"
  )
    return { kind: "no-verdict", got: safeText(safeJson(o), 200) };
  const { ok, message, observed } = o as { ok: boolean; message?: unknown; observed?: unknown };
  return {
    kind: "outcome",
    ok,
    message: message === undefined || message === null ? "" : safeText(message),
    observed:
      typeof observed === "object" && observed !== null && !Array.isArray(observed)
        ? (observed as Record<string, unknown>)
        : observed === undefined
          ? {}
          : { value: observed },
  };
}

/** This process's options (see the top of this file). */
export interface HostArgs {
  probe?: string;
  list?: boolean;
  suite?: string[];
  builtin?: boolean;
  timeout?: string;
  scratch?: string;
  fences?: string;
  report?: string;
  /** The probe's category: with the built-in suite, only that category's files load. */
  category?: string;
}

const VALUED = ["probe", "timeout", "scratch", "fences", "report", "category"] as const;

/**
 * Reads this process's argv as the runner writes it. Not node:util's parseArgs: importing
 * node:util costs each probe's process ~2 ms. Throws on anything else.
 *
 * @example
 * parseHostArgs(["--probe", "fd.x", "--suite", "a.ts", "--builtin"]) // { probe: "fd.x", suite: ["a.ts"], builtin: true }
 */
export function parseHostArgs(argv: readonly string[]): HostArgs {
  const v: HostArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]?.startsWith("--") ? argv[i]?.slice(2) : undefined;
    if (name === "list" || name === "builtin") v[name] = true;
    else if (name === "suite" || VALUED.includes(name as (typeof VALUED)[number])) {
      const value = argv[++i];
      if (value === undefined) throw new Error(`option --${name} needs a value`);
      if (name === "suite") v.suite = [...(v.suite ?? []), value];
      else v[name as (typeof VALUED)[number]] = value;
    } else throw new Error(`unknown argument ${JSON.stringify(argv[i])}`);
  }
  return v;
}

async function main(): Promise<void> {
  const v = parseHostArgs(process.argv.slice(2));
  if (v.report && /^\d+$/.test(v.report)) reportFd = Number(v.report);
  else if (v.report) reportPath = v.report;
  let probes: Probe[];
  try {
    const category = CATEGORIES.includes(v.category as Category)
      ? (v.category as Category)
      : undefined;
    probes = await loadAll(v.suite ?? [], v.builtin === true, v.list ? undefined : category);
  } catch (e) {
    report({ kind: "bad-suite", message: describeThrown(e).message });
  }
  if (v.list) {
    report({
      kind: "list",
      probes: probes.map((p) => ({
        id: p.id,
        category: p.category,
        title: p.title,
        expected: p.expected,
        ...(p.timeoutMs !== undefined ? { timeoutMs: p.timeoutMs } : {}),
      })),
    });
  }
  const probe = probes.find((p) => p.id === v.probe);
  if (!probe) report({ kind: "bad-suite", message: `no probe with the id ${v.probe} loaded` });
  const timeoutMs = Number(v.timeout);
  const { fences, fence } = JSON.parse(v.fences ?? "{}");
  const controller = new AbortController();
  const pressure = await import("./pressure/index.ts");
  const scratch = v.scratch ?? "/scratch";
  mkdirSync(scratch, { recursive: true });
  try {
    send(`${safeJson({ kind: "loaded" })}\n`);
  } catch {
    exit(70);
  }
  const started = clock();
  process.on("uncaughtException", escaped);
  process.on("unhandledRejection", escaped);
  setTimer(() => {
    controller.abort();
    report({ kind: "timeout", timeoutMs });
  }, timeoutMs);
  try {
    const returned = await probe.run({
      fences,
      fence,
      scratch,
      signal: controller.signal,
      log: (...parts) => process.stderr.write(`${parts.map((x) => safeText(x)).join(" ")}\n`),
      pressure,
    });
    // Synchronous work can run past the timer: a verdict that came too late is a timeout.
    if (clock() - started > timeoutMs) report({ kind: "timeout", timeoutMs });
    // A tick for a rejection the probe left unhandled just before it returned to surface.
    await new Promise((r) => setTimer(r, 0));
    const r = outcomeReport(returned);
    const code = Number(process.exitCode ?? 0);
    if (r.kind === "outcome" && code) r.exitCode = code;
    report(r);
  } catch (e) {
    report({ kind: "threw", ...describeThrown(e) });
  }
}

if (import.meta.main) {
  // The probe is the largest process here: when the memory fence is hit, it is the one the
  // kernel picks, not the runner (raising one's own score needs no privilege).
  try {
    (await import("node:fs")).writeFileSync("/proc/self/oom_score_adj", "1000");
  } catch {}
  await main();
}
