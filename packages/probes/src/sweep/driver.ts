#!/usr/bin/env bun
/**
 * In-container driver of one sweep step: runs CMD under strace with the Nth matching
 * system call failing, then the check command on the same /scratch, and prints one JSON
 * line: { n, exitCode, signal, timedOut, injected, calls, check, stderr }.
 *
 *   bun driver.ts --syscall write --errno ENOSPC --n 3 [--path P]... [--check "CMD"] [--timeout MS] -- CMD ARGS...
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { openChannel } from "../channel.ts";
import { runChild } from "../run-child.ts";
import { writeAllSync } from "../write-events.ts";
import { splitCommand } from "./split-command.ts";

const LOG = process.env.BRINK_SWEEP_LOG ?? "/brink/strace.log";

/** Reads strace's log: how many matching calls there were and the one that was failed. */
export function readStraceLog(text: string, syscall: string) {
  const re = new RegExp(`^(?:\\[pid\\s+\\d+\\] |\\d+ +)?${syscall}\\(`);
  const lines = text.split("\n").filter((l) => re.test(l));
  const hit = lines.find((l) => l.includes("(INJECTED)"));
  const call = hit?.replace(/^\[pid\s+\d+\] |^\d+ +/, "").slice(0, 300) ?? null;
  return {
    calls: lines.length,
    injected: call ? { syscall, call } : null,
  };
}

if (import.meta.main) {
  // The hello goes out first: the program under test has not started yet. Its stdout and
  // stderr are captured below; only this process signs what reaches the host.
  const channel = openChannel((line) => writeAllSync(1, line));
  const cut = process.argv.indexOf("--");
  const { values: v } = parseArgs({
    args: process.argv.slice(2, cut < 0 ? undefined : cut),
    options: {
      syscall: { type: "string" },
      errno: { type: "string" },
      n: { type: "string" },
      path: { type: "string", multiple: true },
      check: { type: "string" },
      timeout: { type: "string" },
    },
    strict: true,
  });
  const cmd = cut < 0 ? [] : process.argv.slice(cut + 1);
  const timeoutMs = Number(v.timeout ?? 30_000);
  const strace = ["strace", "-f", "-qq", "-y", "-o", LOG, "-e", `trace=${v.syscall}`];
  strace.push("-e", `inject=${v.syscall}:error=${v.errno}:when=${v.n}`);
  for (const p of v.path ?? []) strace.push("-P", p);
  const main = await runChild([...strace, "--", ...cmd], timeoutMs);
  let log = "";
  try {
    log = readFileSync(LOG, "utf8");
  } catch {}
  const check = v.check ? await runChild(splitCommand(v.check), timeoutMs) : null;
  channel.send({
    event: "step",
    n: Number(v.n),
    ...main,
    ...readStraceLog(log, v.syscall as string),
    check,
  });
}
