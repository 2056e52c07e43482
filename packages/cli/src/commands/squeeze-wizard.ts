import { splitCommand } from "@brink/probes/host";
import * as p from "@clack/prompts";
import { invocationIn } from "../args/invocation.ts";
import { shellLine } from "../args/shell-quote.ts";
import {
  DEFAULT_SQUEEZE_FENCES,
  formatFence,
  SCALES,
  SQUEEZE_FENCES,
  type SqueezeFence,
} from "../orchestrate/squeeze-fences.ts";
import { ask, validator } from "../wizard/ask.ts";
import { squeezeCommand } from "./squeeze.ts";

/** A command line typed at a prompt: split as --check is (no shell: quotes group), never empty. */
function commandOf(line: string): string[] {
  const argv = splitCommand(line);
  if (!argv.length) throw new Error("type the command, e.g. bun parse.ts big.json");
  return argv;
}

/**
 * The wizard's "find how much my command needs": the command, the fences, an optional check;
 * then the equivalent `brink squeeze` line (as it runs where the user is), a confirmation,
 * the squeeze, and the line once more. Ctrl-C at a prompt throws the wizard's `Cancelled`.
 *
 * @example
 * return await squeezeWizard({ color: true }, process.cwd());
 */
export async function squeezeWizard(ui: { color: boolean }, cwd: string): Promise<number> {
  const command = commandOf(
    ask(
      await p.text({
        message: "Which command? It runs in your project (at /work)",
        placeholder: "bun parse.ts big.json",
        validate: validator(commandOf),
      }),
    ) as string,
  );
  const fences = ask(
    await p.multiselect({
      message: "Which fences should brink squeeze?",
      options: SQUEEZE_FENCES.map((f) => ({
        value: f,
        label: f,
        hint: `${formatFence(f, SCALES[f].low)}..${formatFence(f, SCALES[f].high)}`,
      })),
      initialValues: [...DEFAULT_SQUEEZE_FENCES],
      required: true,
    }),
  ) as SqueezeFence[];
  const check = (
    ask(
      await p.text({
        message: "A check to run after it, on the same /scratch (Enter for none)",
        placeholder: "bun check.ts",
        defaultValue: "",
        validate: validator((v) => v.trim() && commandOf(v)),
      }),
    ) as string
  ).trim();
  const argv = [
    "--fence",
    fences.join(","),
    ...(check ? ["--check", check] : []),
    ...(cwd === process.cwd() ? [] : ["--project", cwd]),
    "--",
    ...command,
  ];
  const line = shellLine([...invocationIn(cwd), "squeeze", ...argv]);
  p.log.step("The same squeeze from a shell or CI:");
  process.stdout.write(`\n${line}\n\n`);
  if (!ask(await p.confirm({ message: "Squeeze it now?", initialValue: true }))) {
    p.outro("Not run. The command above runs it.");
    return 0;
  }
  p.outro("Squeezing...");
  try {
    return await squeezeCommand(argv, ui);
  } finally {
    process.stdout.write(`The same squeeze again, from a shell or CI:\n\n${line}\n\n`);
  }
}
