import type { ProbeResult } from "@brink/probes";
import pc from "picocolors";
import type { Report } from "./report.ts";

/** Colours, off with NO_COLOR, --no-color or a non-terminal. */
export function palette(enabled: boolean) {
  return pc.createColors(enabled);
}
type Colors = ReturnType<typeof palette>;

export function statusWord(r: ProbeResult, c: Colors): string {
  const w = r.status.padEnd(6);
  return r.status === "pass"
    ? c.green(w)
    : r.status === "skip"
      ? c.dim(w)
      : r.status === "fail"
        ? c.red(w)
        : c.magenta(w);
}

/** One line for a result as it arrives. */
export function resultLine(r: ProbeResult, c: Colors, elapsedMs: number): string {
  return `${c.dim(`${(elapsedMs / 1000).toFixed(1).padStart(6)}s`)} ${c.cyan(r.category.padEnd(5))} ${statusWord(r, c)} ${r.id} ${c.dim(`(${r.durationMs} ms)`)}`;
}

/**
 * The end-of-run summary: per category counts, then each failure with its observation.
 *
 * @example
 * process.stdout.write(summaryText(report, palette(true)));
 */
export function summaryText(report: Report, c: Colors): string {
  const out: string[] = ["", c.bold("brink summary")];
  const cats = [...new Set(report.results.map((r) => r.category))];
  for (const cat of cats) {
    const rs = report.results.filter((r) => r.category === cat);
    const pass = rs.filter((r) => r.status === "pass" || r.status === "skip").length;
    const mark = pass === rs.length ? c.green("ok  ") : c.red("FAIL");
    out.push(`  ${mark} ${cat.padEnd(5)} ${pass}/${rs.length}`);
    for (const r of rs.filter((x) => x.status !== "pass" && x.status !== "skip")) {
      out.push(`       ${statusWord(r, c)} ${r.id}: ${r.message}`);
      out.push(c.dim(`              observed ${JSON.stringify(r.observed).slice(0, 400)}`));
    }
  }
  for (const n of report.notes) out.push(c.dim(`  note: ${n}`));
  if (report.incomplete) out.push(c.yellow(`  incomplete: ${report.incomplete}`));
  const s = report.summary;
  out.push(
    `  ${s.pass} passed, ${s.fail} failed, ${s.error} errors, ${s.killed} killed, ${s.skip} skipped in ${(report.durationMs / 1000).toFixed(1)} s`,
    "",
  );
  return out.join("\n");
}
