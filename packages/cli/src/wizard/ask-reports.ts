import { resolve } from "node:path";
import * as p from "@clack/prompts";
import { checkOutputs, type Outputs } from "../report/write-reports.ts";
import { ask } from "./ask.ts";

/** The reports the wizard offers, each at its usual path. */
const REPORTS: { key: keyof Outputs; label: string; path: string }[] = [
  { key: "json", label: "JSON", path: "reports/brink.json" },
  { key: "junit", label: "JUnit XML", path: "reports/brink.xml" },
  { key: "markdown", label: "Markdown", path: "reports/brink.md" },
];

/**
 * Asks which reports to write besides the terminal, each checked for writability where it
 * is chosen: a path that cannot be written is said, and the question asked again.
 *
 * @example
 * const outputs = await askReports(process.cwd()); // { json: "reports/brink.json" }
 */
export async function askReports(cwd: string): Promise<Outputs> {
  for (;;) {
    const chosen = ask(
      await p.multiselect({
        message: "Reports besides the terminal?",
        options: REPORTS.map((r) => ({ value: r.key, label: r.label, hint: r.path })),
        required: false,
      }),
    ) as (keyof Outputs)[];
    const outputs: Outputs = {};
    for (const r of REPORTS) if (chosen.includes(r.key)) outputs[r.key] = r.path;
    try {
      checkOutputs(
        Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, resolve(cwd, v)])),
        (k) => REPORTS.find((r) => r.key === k)?.label ?? k,
      );
      return outputs;
    } catch (e) {
      p.log.error((e as Error).message);
    }
  }
}
