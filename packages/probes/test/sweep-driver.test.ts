import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChild } from "../src/run-child.ts";
import { stepEvent, straceArgs } from "../src/sweep/driver.ts";
import { splitCommand } from "../src/sweep/split-command.ts";
import { parseStraceLog, requestedBytes, writesOf } from "../src/sweep/strace-log.ts";

test("splitCommand: whitespace separates, quotes group, no shell needed", () => {
  expect(splitCommand(`bun check.ts "my file.json" 'a b' ""`)).toEqual([
    "bun",
    "check.ts",
    "my file.json",
    "a b",
    "",
  ]);
  expect(splitCommand("  bun   x  ")).toEqual(["bun", "x"]);
  expect(() => splitCommand(`bun "open`)).toThrow("unclosed");
});

// A run of three threads (strace -f -q -y): calls split by another thread's stop, two calls
// failed by strace's per-thread counter, a call of another name ending alike, the exits.
const THREADED = [
  '11    read(5</scratch/t.txt>, "hello", 262144) = 5',
  "12    read(5</scratch/t.txt>,  <unfinished ...>",
  "13    read(5</scratch/t.txt>, 0x7f, 262139) = -1 EIO (Input/output error) (INJECTED)",
  '11    pread64(5</scratch/t.txt>, "x", 1, 0) = 1',
  "12    <... read resumed>0x7e, 262139) = -1 EIO (Input/output error) (INJECTED)",
  '11    read(5</scratch/t.txt>, "", 262139) = 0',
  "12    +++ exited with 0 +++",
  "11    +++ exited with 3 +++",
].join("\n");

test("parseStraceLog: every thread's calls in entry order, split calls joined, all injections", () => {
  const { calls, exits } = parseStraceLog(THREADED, ["read"]);
  expect(calls.map((c) => [c.at, c.pid])).toEqual([
    [1, 11],
    [2, 12],
    [3, 13],
    [4, 11],
  ]);
  expect(calls.filter((c) => c.injected).map((c) => c.at)).toEqual([2, 3]);
  expect(calls[1]?.text).toBe(
    "read(5</scratch/t.txt>, 0x7e, 262139) = -1 EIO (Input/output error) (INJECTED)",
  );
  expect(calls[1]?.errno).toBe("EIO");
  expect(calls[0]?.ret).toBe(5);
  expect(exits).toEqual([
    { pid: 12, exitCode: 0, signal: null },
    { pid: 11, exitCode: 3, signal: null },
  ]);
});

test("stepEvent: counts across threads, lists every failed call, takes the program's own exit", () => {
  const end = { exitCode: null, signal: "SIGKILL", stdout: "", stderr: "e", timedOut: false };
  const e = stepEvent({
    fault: "read:EIO",
    n: 2,
    baseline: false,
    end,
    main: 11,
    log: THREADED,
    paths: ["/scratch/t.txt"],
    free: null,
    check: null,
  });
  expect(e).toMatchObject({ event: "step", calls: 4, threads: 3, injectedCount: 2, exitCode: 3 });
  expect(e.signal).toBeNull();
  expect(e.injections.map((i) => i.at)).toEqual([2, 3]);
  // strace itself was killed past the timeout: the step is the timeout's, not the log's
  expect(stepEvent({ ...argsOf(e), end: { ...end, timedOut: true } }).signal).toBe("SIGKILL");
});

const argsOf = (e: ReturnType<typeof stepEvent>) => ({
  fault: e.fault,
  n: e.n,
  baseline: e.baseline,
  end: { exitCode: null, signal: null, stdout: "", stderr: "", timedOut: false },
  main: 11,
  log: THREADED,
  paths: [],
  free: null,
  check: null,
});

test("stepEvent for KILL: the call strace killed the program on entering has no result", () => {
  const log = [
    '11    write(5</scratch/w.txt>, "line0\\n", 6) = 6',
    '11    write(5</scratch/w.txt>, "line1\\n", 6) = ?',
    "12    +++ killed by SIGKILL +++",
    "11    +++ killed by SIGKILL +++",
  ].join("\n");
  const end = { exitCode: null, signal: "SIGKILL", stdout: "", stderr: "", timedOut: false };
  const args = { fault: "write:KILL", n: 2, end, main: 11, log, paths: [], free: null };
  const e = stepEvent({ ...args, baseline: false, check: null });
  expect(e).toMatchObject({ calls: 2, injectedCount: 1, signal: "SIGKILL" });
  expect(e.injections[0]).toEqual({ at: 2, call: 'write(5</scratch/w.txt>, "line1\\n", 6) = ?' });
  expect(stepEvent({ ...args, baseline: true, check: null }).injectedCount).toBe(0);
});

test("disk:full: bytes written under /scratch, the first short write, other files left out", () => {
  const log = [
    '7  write(1<pipe:[9]>, "saving\\n", 7) = 7',
    '7  write(5</scratch/d.json.tmp>, "{\\"v\\":2"..., 31930) = 12288',
    '7  pwrite64(5</scratch/d.json.tmp>, "x"..., 100, 12288) = 100',
    '7  writev(5</scratch/d.json.tmp>, [{iov_base="a", iov_len=1}, {iov_base="bc", iov_len=2}], 2) = 3',
    '7  write(5</scratch/d.json.tmp>, "y", 1) = -1 ENOSPC (No space left on device)',
  ].join("\n");
  const calls = parseStraceLog(log, ["write", "pwrite64", "writev"]).calls;
  expect(calls.map(requestedBytes)).toEqual([7, 31930, 100, 3, 1]);
  const end = { exitCode: 0, signal: null, stdout: "", stderr: "", timedOut: false };
  const e = stepEvent({
    fault: "disk:full",
    n: 12288,
    baseline: false,
    end,
    main: null,
    log,
    paths: [],
    free: 12288,
    check: null,
  });
  expect(e).toMatchObject({ calls: 4, written: 12391, free: 12288, injectedCount: 0 });
  expect(e.short).toBe('write(5</scratch/d.json.tmp>, "{\\"v\\":2"..., 31930) = 12288');
  expect(writesOf(calls.slice(2, 4))).toEqual({ written: 103, short: null });
});

test("straceArgs: inject per fault kind, none for the baseline or disk:full", () => {
  expect(straceArgs("write:ENOSPC", 3, false, ["/scratch/a"])).toContain(
    "inject=write:error=ENOSPC:when=3",
  );
  expect(straceArgs("fsync:KILL", 2, false, [])).toContain("inject=fsync:signal=KILL:when=2");
  expect(straceArgs("write:ENOSPC", 0, true, []).some((a) => a.startsWith("inject="))).toBe(false);
  const disk = straceArgs("disk:full", 4096, false, []);
  expect(disk).toContain("trace=write,pwrite64,writev,pwritev,pwritev2");
  expect(disk.some((a) => a.startsWith("inject="))).toBe(false);
});

test("runChild comes back when a detached grandchild holds its pipes, and past its timeout", async () => {
  const dir = mkdtempSync(join(tmpdir(), "brink-run-child-"));
  const pidFile = join(dir, "pid");
  const killGrandchild = () => {
    try {
      process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
    } catch {}
  };
  try {
    const t0 = performance.now();
    const end = await runChild(
      ["sh", "-c", `sleep 30 & echo $! > ${pidFile}; echo started`],
      20_000,
      // reaping leaves it alive: the pipes it holds must not keep runChild waiting
      { reap: () => {} },
    );
    expect(end).toMatchObject({ exitCode: 0, timedOut: false });
    expect(end.stdout).toContain("started");
    expect(performance.now() - t0).toBeLessThan(3000);

    const hung = await runChild(["sleep", "30"], 200);
    expect(hung.timedOut).toBe(true);
    expect(hung.signal).toBe("SIGKILL");
  } finally {
    killGrandchild();
    rmSync(dir, { recursive: true, force: true });
  }
});
