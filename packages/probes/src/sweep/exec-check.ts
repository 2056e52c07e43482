#!/usr/bin/env bun
/**
 * In-container wrapper of `brink exec --check CHECK -- CMD ARGS...`: runs CMD with the
 * container's stdout and stderr (its output passes through untouched), then kills whatever
 * it left, runs CHECK on the same /scratch with its output captured, and sends one signed
 * event on stdout: `{event:"check", exitCode, signal, timedOut, output}` (or
 * `{event:"check", missing: "CMD"}` when CMD is not in the image). Exits with CMD's own code
 * (128 + n for a signal n).
 *
 *   bun exec-check.ts --check "bun check.ts" [--timeout MS] -- CMD ARGS...
 */
import { writeFileSync } from "node:fs";
import { constants } from "node:os";
import { parseArgs } from "node:util";
import { openChannel } from "../channel.ts";
import { runChild } from "../run-child.ts";
import { killOthers } from "../runner/container-reset.ts";
import { writeAllSync } from "../write-events.ts";
import { splitCommand } from "./split-command.ts";

if (import.meta.main) {
  // The hello goes out before CMD starts: nothing CMD prints can come before it.
  const channel = openChannel((line) => writeAllSync(1, line));
  const cut = process.argv.indexOf("--");
  const { values: v } = parseArgs({
    args: process.argv.slice(2, cut < 0 ? undefined : cut),
    options: { check: { type: "string" }, timeout: { type: "string" } },
    strict: true,
  });
  const [entry = "", ...rest] = cut < 0 ? [] : process.argv.slice(cut + 1);
  const program = entry.includes("/") ? entry : Bun.which(entry);
  if (!program) {
    channel.send({ event: "check", missing: entry });
    process.exit(127);
  }
  const child = Bun.spawn([program, ...rest], {
    stdin: "ignore",
    stdout: "inherit",
    stderr: "inherit",
  });
  try {
    // The memory fence's OOM kill picks CMD, not this wrapper that reports the check.
    writeFileSync(`/proc/${child.pid}/oom_score_adj`, "1000");
  } catch {}
  await child.exited;
  // What CMD left (detached children, servers) ends before the check looks at /scratch.
  await killOthers();
  const check = await runChild(splitCommand(v.check ?? ""), Number(v.timeout ?? 30_000), {
    reap: () => killOthers(),
    env: { ...process.env },
  });
  channel.send({
    event: "check",
    exitCode: check.exitCode,
    signal: check.signal,
    timedOut: check.timedOut,
    output: `${check.stdout}${check.stderr}`.slice(-2000),
  });
  const signals = constants.signals as Record<string, number>;
  const sig = child.signalCode ? (signals[child.signalCode] ?? 9) : 0;
  process.exit(sig ? 128 + sig : (child.exitCode ?? 1));
}
