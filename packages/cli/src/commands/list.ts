import { parseArgs } from "node:util";
import { parseCategories, resolveProject, resolveSuites } from "../args/plan.ts";
import { openRunScope } from "../engine/run-scope.ts";
import { type ProbeInfo, probeInfos } from "../orchestrate/probe-info.ts";
import { cleanTerminalText } from "../report/escape.ts";
import { palette, plural } from "../report/terminal.ts";
import { parseOrUsage } from "./parse.ts";

/**
 * `brink list`: the probes as a table, or JSON with --json.
 *
 * @example
 * await listCommand(["--category", "fd", "--json"], { color: false });
 */
export async function listCommand(argv: string[], ui: { color: boolean }): Promise<number> {
  const { values: v } = parseOrUsage(
    () =>
      parseArgs({
        args: argv,
        options: {
          category: { type: "string", multiple: true },
          suite: { type: "string", multiple: true },
          json: { type: "boolean" },
        },
        strict: true,
      }),
    argv,
  );
  const categories = parseCategories(v.category?.join(","));
  const project = resolveProject(undefined);
  const suites = resolveSuites(v.suite, project);
  // Listing a suite may start a container (the suite's code never runs on the host): a
  // scope, so a stop or a closed reader removes it.
  await using scope = openRunScope();
  let probes: ProbeInfo[];
  try {
    probes = await probeInfos(suites, null, categories, {
      project,
      session: () => scope.session(),
      signal: scope.signal,
    });
  } catch (e) {
    if (scope.stopped) return scope.exitCode(1);
    throw e;
  }
  if (v.json) {
    const rows = probes.map(({ id, category, title, expected, timeoutMs }) => ({
      id,
      category,
      title,
      expected,
      timeoutMs,
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return scope.exitCode(0);
  }
  const c = palette(ui.color);
  const w = Math.max(...probes.map((p) => p.id.length));
  for (const p of probes) {
    process.stdout.write(
      `${c.cyan(p.category.padEnd(6))}${p.id.padEnd(w + 2)}${(p.expected === "killed" ? c.magenta : c.dim)(p.expected.padEnd(9))}${cleanTerminalText(p.title)}\n`,
    );
  }
  process.stdout.write(c.dim(`${plural(probes.length, "probe")}\n`));
  return scope.exitCode(0);
}
