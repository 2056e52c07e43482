import { parseArgs } from "node:util";
import { parseCategories, resolveProject, resolveSuites } from "../args/plan.ts";
import { probeInfos } from "../orchestrate/probe-info.ts";
import { palette } from "../report/terminal.ts";
import { parseOrUsage } from "./parse.ts";

/**
 * `brink list`: the probes as a table, or JSON with --json.
 *
 * @example
 * await listCommand(["--category", "fd", "--json"], { color: false });
 */
export async function listCommand(argv: string[], ui: { color: boolean }): Promise<number> {
  const { values: v } = parseOrUsage(() =>
    parseArgs({
      args: argv,
      options: {
        category: { type: "string" },
        suite: { type: "string", multiple: true },
        json: { type: "boolean" },
      },
      strict: true,
    }),
  );
  const categories = parseCategories(v.category);
  const suites = resolveSuites(v.suite, resolveProject(undefined));
  const probes = await probeInfos(suites, null, categories);
  if (v.json) {
    const rows = probes.map(({ id, category, title, expected, timeoutMs }) => ({
      id,
      category,
      title,
      expected,
      timeoutMs,
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const c = palette(ui.color);
  const w = Math.max(...probes.map((p) => p.id.length));
  for (const p of probes) {
    process.stdout.write(
      `${c.cyan(p.category.padEnd(6))}${p.id.padEnd(w + 2)}${(p.expected === "killed" ? c.magenta : c.dim)(p.expected.padEnd(9))}${p.title}\n`,
    );
  }
  process.stdout.write(c.dim(`${probes.length} probes\n`));
  return 0;
}
