import type { ProbeResult } from "@brink/probes/host";
import pc from "picocolors";
import { cleanTerminalLines, cleanTerminalText } from "./escape.ts";
import { knownStatus, resultsOf } from "./normalize-result.ts";
import { recoveryTimes, recoveryWords } from "./recovery.ts";
import { type Report, summarize } from "./report.ts";
import { clip, nonNegative, safeJson, toText } from "./text.ts";
import { observedBesidesStack, stackLines } from "./thrown.ts";

/** Colours, off with NO_COLOR, --no-color or a non-terminal. */
export function palette(enabled: boolean) {
  return pc.createColors(enabled);
}
type Colors = ReturnType<typeof palette>;

/**
 * Colours for what goes to stdout: as `enabled` says (which follows stderr), but off when
 * stdout is not a terminal (`brink doctor > file`), unless FORCE_COLOR asks for them.
 *
 * @example
 * process.stdout.write(summaryText(report, stdoutPalette(ui.color)));
 */
export function stdoutPalette(enabled: boolean, env = process.env): Colors {
  return palette(enabled && (!!process.stdout.isTTY || !!env.FORCE_COLOR));
}

/** A result's status, padded and coloured; a status brink does not know shows as `error`. */
export function statusWord(r: Pick<ProbeResult, "status">, c: Colors): string {
  const s = knownStatus(r?.status);
  const w = s.padEnd(6);
  return s === "pass"
    ? c.green(w)
    : s === "skip"
      ? c.dim(w)
      : s === "fail"
        ? c.red(w)
        : c.magenta(w);
}

/** Text from a container for one terminal line: clipped, then every control character escaped. */
const one = (v: unknown, max = 200) => cleanTerminalText(clip(toText(v), max));

/** One line for a result as it arrives; everything from the container is escaped. */
export function resultLine(r: ProbeResult, c: Colors, elapsedMs: number): string {
  return `${c.dim(`${(nonNegative(elapsedMs) / 1000).toFixed(1).padStart(6)}s`)} ${c.cyan(one(r?.category, 20).padEnd(5))} ${statusWord(r, c)} ${one(r?.id)} ${c.dim(`(${nonNegative(r?.durationMs)} ms)`)}`;
}

const MESSAGE_INDENT = " ".repeat(14);
const isNotRun = (r: ProbeResult) => r.observed.notRun === true;

/** `n` and the noun, singular for one: "1 probe", "2 probes". */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}

/** The lines for a category's results that did not pass (skips: their reason only). */
function problemLines(rs: ProbeResult[], c: Colors): string[] {
  const out: string[] = [];
  for (const r of rs.filter((x) => !isNotRun(x))) {
    out.push(
      `       ${statusWord(r, c)} ${one(r.id)}: ${cleanTerminalLines(r.message || "(no message)", MESSAGE_INDENT)}`,
    );
    if (r.status === "skip") continue;
    for (const frame of stackLines(r)) out.push(c.dim(`${MESSAGE_INDENT}  ${one(frame)}`));
    const observed = observedBesidesStack(r);
    out.push(
      c.dim(`${MESSAGE_INDENT}observed ${cleanTerminalText(clip(safeJson(observed), 400))}`),
    );
  }
  const notRun = rs.filter(isNotRun);
  for (const message of new Set(notRun.map((r) => r.message))) {
    const ids = notRun.filter((r) => r.message === message).map((r) => one(r.id));
    const list = ids.length > 5 ? `${ids.slice(0, 5).join(", ")}, ...` : ids.join(", ");
    out.push(
      `       ${statusWord({ status: "error" }, c)} ${plural(ids.length, "probe")} ${one(message, 400)}: ${list}`,
    );
  }
  return out;
}

/**
 * The end-of-run summary: per category how many passed (and how soon its recovery probe
 * recovered: `observed.recoveryMs`), then each result that did not pass
 * with its message, the first frames of a thrown error's stack and its observation (a skip
 * with its reason; probes never run, one line per category). Every piece of text that came from
 * a container (ids, categories, messages, observations, notes) is escaped with
 * `cleanTerminalText`, and a message's later lines are indented under it.
 *
 * @example
 * process.stdout.write(summaryText(report, palette(true)));
 */
export function summaryText(report: Report, c: Colors): string {
  const results = resultsOf(report);
  const out: string[] = ["", c.bold("brink summary")];
  for (const cat of new Set(results.map((r) => r.category))) {
    const rs = results.filter((r) => r.category === cat);
    const passed = rs.filter((r) => r.status === "pass").length;
    const skipped = rs.filter((r) => r.status === "skip").length;
    const mark =
      passed + skipped < rs.length ? c.red("FAIL") : skipped ? c.yellow("SKIP") : c.green("ok  ");
    const recovery = recoveryWords(recoveryTimes(rs));
    out.push(
      `  ${mark} ${one(cat, 20).padEnd(5)} ${passed}/${rs.length}${recovery ? c.dim(`  ${recovery}`) : ""}`,
    );
    out.push(
      ...problemLines(
        rs.filter((r) => r.status !== "pass"),
        c,
      ),
    );
  }
  for (const n of Array.isArray(report.notes) ? report.notes : [])
    out.push(c.dim(`  note: ${cleanTerminalText(n)}`));
  if (report.incomplete)
    out.push(c.yellow(`  incomplete: ${cleanTerminalText(report.incomplete)}`));
  const s = summarize(results);
  // Probes that never ran are errors in the counts (the run proved nothing of them), but
  // the line says which errors they are.
  const notRun = results.filter(
    (r) => (r.observed as { notRun?: unknown })?.notRun === true,
  ).length;
  const errors = `${plural(s.error, "error")}${notRun ? ` (${notRun} not run)` : ""}`;
  out.push(
    `  ${s.pass} passed, ${s.fail} failed, ${errors}, ${s.killed} killed, ${s.skip} skipped in ${(nonNegative(report.durationMs) / 1000).toFixed(1)} s`,
    "",
  );
  return out.join("\n");
}
