import { describe, expect, test } from "bun:test";
import type { FenceSummary } from "@brink/guard";
import { describeThrown, safeJson } from "../src/normalize.ts";
import { type HostReport, outcomeReport } from "../src/probe-host.ts";
import { validateEvent } from "../src/protocol.ts";
import { type ProbeEvidence, parseReport, REPORT_MAX } from "../src/runner/spawn-probe.ts";
import { type VerdictInput, verdictOf } from "../src/runner/verdict-of.ts";

const FENCE: FenceSummary = {
  memory: 128 << 20,
  disk: 100 << 20,
  stack: 1 << 20,
  nofile: 256,
  pids: 100,
  cpus: 1,
};
const graceful = {
  id: "fd.x",
  category: "fd",
  title: "x",
  expected: "graceful",
  timeoutMs: 1000,
} as const;
const killed = { ...graceful, id: "oom.x", category: "oom", expected: "killed" } as const;

const outcome = (ok: boolean, message = "said so"): HostReport => ({
  kind: "outcome",
  ok,
  message,
  observed: { seen: 1 },
});

/** Evidence of a process that reported `report` and exited 0, with `over` changed. */
function evidence(over: Partial<ProbeEvidence> = {}): ProbeEvidence {
  return {
    report: outcome(true),
    exitCode: 0,
    signal: null,
    timedOut: false,
    loadTimedOut: false,
    leftRunning: false,
    durationMs: 7,
    log: "what it printed",
    ...over,
  };
}

function judge(over: Partial<ProbeEvidence>, rest: Partial<VerdictInput> = {}) {
  return verdictOf({
    probe: graceful,
    fence: FENCE,
    evidence: evidence(over),
    oomKills: 0,
    leftovers: 0,
    ...rest,
  });
}

describe("verdictOf: the report and how the process ended, together", () => {
  test("a reported pass and a clean exit is a pass, with how it ended in observed", () => {
    const r = judge({});
    expect(r).toMatchObject({ id: "fd.x", category: "fd", status: "pass", message: "said so" });
    expect(r.observed).toEqual({ seen: 1, process: { exitCode: 0, signal: null, oomKills: 0 } });
    expect(r.log).toBeUndefined();
  });

  test("a reported failure is a failure, and keeps the log", () => {
    const r = judge({ report: outcome(false, "no") });
    expect(r).toMatchObject({ status: "fail", message: "no", log: "what it printed" });
  });

  test("a pass followed by an exit code, or by a signal, is not a pass", () => {
    const exited = judge({ exitCode: 1 });
    expect(exited.status).toBe("error");
    expect(exited.message).toBe("it reported a pass, then its process exited with code 1");
    const signalled = judge({ exitCode: null, signal: "SIGSEGV" });
    expect(signalled.status).toBe("error");
    expect(signalled.message).toBe("it reported a pass, then its process was killed by SIGSEGV");
  });

  test("a pass whose process lingered past the grace is a pass, and the linger is noted", () => {
    const r = judge({ exitCode: null, signal: "SIGKILL", leftRunning: true }, { leftovers: 2 });
    expect(r.status).toBe("pass");
    expect(r.observed.process).toMatchObject({ leftRunning: true, leftoverProcesses: 2 });
  });

  test("no report: an exit is an error named by its code, never a signal", () => {
    for (const code of [0, 1, 137, 255]) {
      const r = judge({ report: null, exitCode: code });
      expect(r.status).toBe("error");
      expect(r.message).toBe(`its process exited with code ${code} before reporting a verdict`);
      expect(r.observed.process).toMatchObject({ exitCode: code, signal: null });
    }
  });

  test("no report and a signal: killed, blamed on the memory fence only with an OOM kill counted", () => {
    const segv = judge({ report: null, exitCode: null, signal: "SIGSEGV" });
    expect(segv).toMatchObject({ status: "killed" });
    expect(segv.message).toBe("its process was killed by SIGSEGV before reporting a verdict");
    const kill = judge({ report: null, exitCode: null, signal: "SIGKILL" });
    expect(kill.message).not.toContain("memory fence");
    const oom = judge({ report: null, exitCode: null, signal: "SIGKILL" }, { oomKills: 1 });
    expect(oom.status).toBe("killed");
    expect(oom.message).toContain("the memory fence");
    const unknown = judge({ report: null, exitCode: null, signal: "SIGKILL" }, { oomKills: null });
    expect(unknown.message).not.toContain("memory fence");
    expect(unknown.observed.process).not.toHaveProperty("oomKills");
  });

  test("a timeout is an error, whether the runner killed it or it reported its own", () => {
    for (const over of [
      { report: null, exitCode: null, signal: "SIGKILL", timedOut: true },
      { report: outcome(true), exitCode: null, signal: "SIGKILL", timedOut: true },
      { report: { kind: "timeout", timeoutMs: 1000 } as HostReport },
    ]) {
      const r = judge(over, { oomKills: 1 });
      expect(r).toMatchObject({ status: "error", message: "timed out after 1000 ms" });
      expect(r.observed).toMatchObject({ timeoutMs: 1000 });
    }
  });

  test("a throw is a failure with its name and code, the guard's own errors included", () => {
    const r = judge({
      report: { kind: "threw", name: "GuardError", message: "refusing", code: "FENCE_MISSING" },
    });
    expect(r).toMatchObject({ status: "fail", message: "threw GuardError: refusing" });
    expect(r.observed).toMatchObject({ thrown: "GuardError", code: "FENCE_MISSING" });
    const unfenced = judge({
      report: { kind: "threw", name: "ProbeError", message: "x", code: "UNFENCED" },
    });
    expect(unfenced.status).toBe("fail");
  });

  test("no verdict, a bad suite, a malformed or unknown report: errors that say so", () => {
    expect(judge({ report: { kind: "no-verdict", got: "42" } })).toMatchObject({
      status: "error",
      message: "run() returned 42 instead of a verdict; return verdict(ok, message, observed)",
    });
    expect(judge({ report: { kind: "bad-suite", message: "boom" } }).message).toBe(
      "the suite did not load in the probe's process: boom",
    );
    expect(judge({ report: "not a report: hello" })).toMatchObject({
      status: "error",
      message: "protocol error: not a report: hello",
    });
    const odd = judge({ report: { kind: "list", probes: [] } });
    expect(odd).toMatchObject({ status: "error" });
    expect(odd.message).toContain('"list"');
  });

  test("skip is never decided from what a probe's process says", () => {
    const reports: (HostReport | string | null)[] = [
      outcome(true),
      outcome(false),
      { kind: "threw", name: "ProbeError", message: "x", code: "UNFENCED" },
      { kind: "bad-suite", message: "x" },
      { kind: "no-verdict", got: "null" },
      "junk",
      null,
    ];
    for (const report of reports)
      for (const exitCode of [0, 3]) expect(judge({ report, exitCode }).status).not.toBe("skip");
  });
});

describe("verdictOf: a probe that expects its process to be OOM-killed", () => {
  const judgeKilled = (over: Partial<ProbeEvidence>, oomKills: number | null) =>
    verdictOf({ probe: killed, fence: FENCE, evidence: evidence(over), oomKills, leftovers: 0 });

  test("SIGKILL with an OOM kill counted: the fence killed it, a pass", () => {
    const r = judgeKilled({ report: null, exitCode: null, signal: "SIGKILL" }, 1);
    expect(r.status).toBe("pass");
  });

  test("a child OOM-killed, then its own exit(137): not the fence killing it", () => {
    const r = judgeKilled({ report: null, exitCode: 137, signal: null }, 1);
    expect(r.status).toBe("fail");
    expect(r.message).toBe(
      "expected an OOM kill by the memory fence; its process exited with code 137",
    );
  });

  test("SIGKILL with no OOM kill counted, or with the counter unreadable: not proven", () => {
    for (const oomKills of [0, null])
      expect(
        judgeKilled({ report: null, exitCode: null, signal: "SIGKILL" }, oomKills).status,
      ).toBe("fail");
  });

  test("it returned instead: a failure naming what it returned", () => {
    const r = judgeKilled({ report: outcome(true, "survived") }, 0);
    expect(r).toMatchObject({
      status: "fail",
      message: "expected the fence to kill it, but it returned: survived",
    });
  });
});

test("every verdict is a result event the host accepts", () => {
  const cases: [Partial<ProbeEvidence>, number | null][] = [
    [{}, 0],
    [{ report: null, exitCode: 255 }, 0],
    [{ report: null, exitCode: null, signal: "SIGKILL" }, 3],
    [{ report: "x".repeat(300), exitCode: 0 }, null],
    [{ timedOut: true, exitCode: null, signal: "SIGKILL", log: "y".repeat(4096) }, 0],
  ];
  for (const [over, oomKills] of cases)
    for (const probe of [graceful, killed]) {
      const r = verdictOf({
        probe,
        fence: FENCE,
        evidence: evidence(over),
        oomKills,
        leftovers: 1,
      });
      expect(validateEvent({ event: "result", ...r })).toEqual({ event: "result", ...r });
    }
});

describe("what run() returns, through the probe's report, to a verdict", () => {
  const chain = (returned: unknown) =>
    judge({ report: parseReport(`${JSON.stringify(outcomeReport(returned))}\n`, 0) });

  test("a pass without a message, a failure with a numeric one", () => {
    expect(chain({ ok: true })).toMatchObject({ status: "pass", message: "" });
    expect(chain({ ok: false, message: 42 })).toMatchObject({ status: "fail", message: "42" });
  });

  test("BigInt, functions and cycles in observed are written as text", () => {
    const o: Record<string, unknown> = { n: 10n, f: function named() {} };
    o.self = o;
    const r = chain({ ok: true, message: "m", observed: o });
    expect(r.status).toBe("pass");
    expect(r.observed).toMatchObject({ n: "10n", f: "[function named]", self: "[cycle]" });
  });

  test("undefined, null, a number or an array are no verdict, and the message names them", () => {
    expect(chain(undefined)).toMatchObject({ status: "error" });
    expect(chain(undefined).message).toContain("returned undefined instead of a verdict");
    expect(chain(null).message).toContain("returned null instead of a verdict");
    expect(chain(7).message).toContain("returned 7 instead of a verdict");
    expect(chain([true]).status).toBe("error");
  });

  test("a Proxy whose traps throw is no verdict, never a throw", () => {
    const trap = () => {
      throw new Error("trap");
    };
    const p = new Proxy({}, { get: trap, ownKeys: trap, has: trap, getPrototypeOf: trap });
    expect(chain(p).status).toBe("error");
  });
});

describe("parseReport: what the runner makes of fd 3", () => {
  test("nothing, junk, a cut report", () => {
    expect(parseReport("", 0)).toBeNull();
    expect(parseReport("hello\n", 6)).toBe("not a report: hello");
    expect(parseReport('"a string"\n', 11)).toBe('not a report: "a string"');
    const cut = parseReport("x".repeat(REPORT_MAX), REPORT_MAX + 10);
    expect(cut).toBe(`its report was ${REPORT_MAX + 10} bytes, over the ${REPORT_MAX}-byte cap`);
  });

  test("the first line is the report; a second is ignored", () => {
    const first = JSON.stringify(outcome(true));
    const second = JSON.stringify(outcome(false));
    expect(parseReport(`${first}\n${second}\n`, 0)).toEqual(outcome(true));
  });
});

test("a suite that never finished loading is told as that, not as the probe's timeout", () => {
  const r = verdictOf({
    probe: graceful,
    fence: FENCE,
    evidence: evidence({
      report: null,
      timedOut: true,
      loadTimedOut: true,
      signal: "SIGKILL",
      exitCode: null,
    }),
    oomKills: 0,
    leftovers: 0,
  });
  expect([r.status, r.message]).toEqual([
    "error",
    "its suite did not finish loading within 30 s (a top-level await that never settles?)",
  ]);
});

test("what a probe hands back cannot forge or break its report: __proto__ keys, shared graphs, long names, a patched toJSON", () => {
  // Parsed JSON with a __proto__ key is data, not a verdict inherited through a prototype.
  const parsed = JSON.parse('{"__proto__":{"ok":true,"message":"inherited"},"note":"config"}');
  expect(outcomeReport(parsed).kind).toBe("no-verdict");
  const kept = outcomeReport({
    ok: false,
    message: "m",
    observed: JSON.parse('{"__proto__":{"a":1},"b":2}'),
  });
  expect(kept.kind === "outcome" && JSON.parse(safeJson(kept.observed))).toEqual({
    __proto__: { a: 1 },
    b: 2,
  });
  // A shared graph (3^30 paths) is cut by a budget instead of exhausting memory.
  let v: unknown = 1;
  for (let i = 0; i < 30; i++) v = [v, v, v];
  expect(safeJson({ v })).toContain("[too large]");
  // A 150 000-character error name is cut, so the verdict's message stays small.
  const e = new Error("x");
  e.name = "N".repeat(150_000);
  expect(describeThrown(e).name.length).toBeLessThan(300);
  // Object.prototype.toJSON patched by the code under test changes nothing in what is written.
  const proto = Object.prototype as { toJSON?: () => unknown };
  proto.toJSON = () => "patched";
  try {
    expect(JSON.parse(safeJson({ a: [1, { b: 2 }] }))).toEqual({ a: [1, { b: 2 }] });
  } finally {
    delete proto.toJSON;
  }
});
