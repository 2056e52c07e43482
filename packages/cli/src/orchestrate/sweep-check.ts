import { channelReader, splitCommand } from "@brink/probes/host";
import { BrinkError } from "../errors.ts";

/** Where `brink exec --check`'s wrapper sits in the probe image. */
export const EXEC_CHECK = "/node_modules/@brink/probes/src/sweep/exec-check.ts";

/** How `brink exec --check`'s check ended, or the command it could not find. */
export type ExecCheck =
  | { exitCode: number | null; signal: string | null; timedOut: boolean; output: string }
  | { missing: string };

/**
 * Checks a `--check` value: a command line (no shell: quotes group). A usage error otherwise.
 *
 * @example
 * parseCheck("--check", 'bun check.ts "a b"') // 'bun check.ts "a b"'
 */
export function parseCheck(flag: string, value: string): string {
  try {
    if (!splitCommand(value).length) throw new Error("it is empty");
  } catch (e) {
    throw new BrinkError(
      "USAGE",
      `${flag} ${JSON.stringify(value)} is not a command line: ${(e as Error).message}`,
    );
  }
  return value;
}

/**
 * The entrypoint and command of a `brink exec --check` container: the wrapper runs CMD with
 * the container's output, then the check, and signs its result. `--config=/dev/null`: the
 * project's bunfig.toml preload is user code, which must not run before the wrapper's hello.
 *
 * @example
 * const { entrypoint, cmd } = checkedCommand(["bun", "save.ts"], "bun check.ts", 30_000);
 */
export function checkedCommand(command: string[], check: string, timeoutMs: number) {
  return {
    entrypoint: ["bun"],
    cmd: [
      "--config=/dev/null",
      EXEC_CHECK,
      "--check",
      check,
      "--timeout",
      String(timeoutMs),
      "--",
      ...command,
    ],
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks every field of the wrapper's event; null when it is not one. */
export function validCheck(v: unknown): ExecCheck | null {
  if (!isObj(v) || v.event !== "check") return null;
  if (typeof v.missing === "string" && v.missing.length <= 4096) return { missing: v.missing };
  const ok =
    (v.exitCode === null || (typeof v.exitCode === "number" && Number.isInteger(v.exitCode))) &&
    (v.signal === null || (typeof v.signal === "string" && /^SIG[A-Z0-9]{1,12}$/.test(v.signal))) &&
    typeof v.timedOut === "boolean" &&
    typeof v.output === "string" &&
    v.output.length <= 100_000;
  if (!ok) return null;
  return {
    exitCode: v.exitCode as number | null,
    signal: v.signal as string | null,
    timedOut: v.timedOut as boolean,
    output: v.output as string,
  };
}

const MARK = Buffer.from('\n{"brink":');
/** A held line longer than this is no channel line: it passes through. */
const MAX_LINE = 1 << 16;

/** Length of the longest end of `buf` that is a start of MARK (a marker cut between chunks). */
function partialMark(buf: Buffer): number {
  for (let n = Math.min(MARK.length - 1, buf.length); n > 0; n--)
    if (buf.subarray(buf.length - n).equals(MARK.subarray(0, n))) return n;
  return 0;
}

/**
 * Filters a `--check` container's stdout: the wrapper's channel lines (its hello, written
 * before CMD started, and its signed check event) are taken out, everything else passes to
 * `pass` byte for byte, in order. Lines that only look like channel lines (CMD printing
 * `{"brink":...}`) are not believed and pass through too.
 *
 * @example
 * const out = checkedStdout((chunk) => toStdout(chunk));
 * await engine.run(spec, { onStdout: out.write });
 * await out.end(); out.check // ExecCheck | null
 */
export function checkedStdout(pass: (chunk: Buffer) => unknown) {
  const reader = channelReader();
  let held = Buffer.alloc(0);
  let check: ExecCheck | null = null;
  const drain = async (final: boolean) => {
    for (;;) {
      const at = held.indexOf(MARK);
      if (at < 0) {
        const keep = final ? 0 : partialMark(held);
        if (held.length > keep) await pass(held.subarray(0, held.length - keep));
        held = held.subarray(held.length - keep);
        return;
      }
      if (at > 0) await pass(held.subarray(0, at));
      held = held.subarray(at);
      const nl = held.indexOf(10, 1);
      if (nl < 0 && !final && held.length <= MAX_LINE) return;
      const end = nl < 0 ? held.length : nl;
      const line = held.subarray(1, end).toString("utf8");
      const got = reader.accept(line);
      if (got.kind === "hello" || got.kind === "event") {
        if (got.kind === "event") check ??= validCheck(got.event);
        // The wrapper writes "\n<line>\n": both newlines are its own.
        held = held.subarray(nl < 0 ? end : end + 1);
      } else {
        await pass(held.subarray(0, 1));
        held = held.subarray(1);
      }
    }
  };
  return {
    write: (chunk: Buffer) => {
      held = Buffer.concat([held, chunk]);
      return drain(false);
    },
    end: () => drain(true),
    get check() {
      return check;
    },
  };
}
