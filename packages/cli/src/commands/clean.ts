import { parseArgs } from "node:util";
import { connectEngine } from "../engine/connect.ts";
import { LABEL } from "../engine/labels.ts";
import { findLeftovers, type Leftover, removeLeftovers } from "../engine/reaper.ts";
import { cleanTerminalText } from "../report/escape.ts";
import { parseOrUsage } from "./parse.ts";

/** One line per container or image: what it is, its run, and why it goes or stays. */
function describe(x: Leftover): string {
  const what = `${x.kind.padEnd(9)} ${x.id} ${cleanTerminalText(x.name)}`;
  const state = x.state ? ` (${cleanTerminalText(x.state)})` : "";
  return `${what}${state} run ${cleanTerminalText(x.run)}: ${cleanTerminalText(x.why)}`;
}

const count = (xs: Leftover[], kind: Leftover["kind"]) => xs.filter((x) => x.kind === kind).length;

/**
 * `brink clean [--all] [--dry-run]`: removes the containers and per-run images of brink runs
 * that are no longer alive (their brink process is gone, or, for another host, started more
 * than a day ago); a live run's are never touched. `--all` removes everything labelled
 * dev.brink=1, live runs and the shared probe image included; `--dry-run` lists instead.
 *
 * @example
 * process.exitCode = await cleanCommand(["--dry-run"]);
 */
export async function cleanCommand(argv: string[]): Promise<number> {
  const { values: v } = parseOrUsage(
    () =>
      parseArgs({
        args: argv,
        options: { all: { type: "boolean" }, "dry-run": { type: "boolean" } },
        strict: true,
      }),
    argv,
  );
  const { docker } = await connectEngine();
  const found = await findLeftovers(docker);
  const chosen = v.all ? found : found.filter((x) => !x.kept);
  const kept = found.filter((x) => !chosen.includes(x));
  const out = (s: string) => process.stdout.write(`${s}\n`);
  if (v["dry-run"]) {
    for (const x of chosen) out(`would remove ${describe(x)}`);
    for (const x of kept) out(`would keep   ${describe(x)}`);
    out(
      `would remove ${count(chosen, "container")} container(s) and ${count(chosen, "image")} image(s); keep ${kept.length}`,
    );
    return 0;
  }
  const { removed, failed } = await removeLeftovers(docker, chosen);
  for (const f of failed) {
    process.stderr.write(
      `brink: could not remove ${describe(f.item)}: ${cleanTerminalText(f.message)}\n`,
    );
  }
  const gone = chosen.filter((x) => !failed.some((f) => f.item === x));
  out(
    `removed ${count(gone, "container")} container(s) and ${count(gone, "image")} image(s) labelled ${LABEL}=1${
      v.all
        ? ""
        : ` of runs no longer alive; kept ${kept.length} (live runs, the probe image: --all removes them too)`
    }`,
  );
  return removed < chosen.length ? 3 : 0;
}
