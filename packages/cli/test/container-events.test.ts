import { describe, expect, test } from "bun:test";
import type { ProbeResult } from "@brink/probes";
import { openChannel } from "@brink/probes/host";
import { readContainerEvents } from "../src/orchestrate/container-events.ts";
import type { ProbeInfo } from "../src/orchestrate/probe-info.ts";

const FENCE = { memory: 1, disk: 1, stack: 1, nofile: 1, pids: 1, cpus: 1 };
const info = (id: string): ProbeInfo => ({
  id,
  category: "fd",
  title: id,
  expected: "graceful",
  timeoutMs: 1000,
});
const PLANNED = [info("fd.a"), info("fd.b")];

function result(id: string, status: ProbeResult["status"], over: object = {}): object {
  return {
    event: "result",
    id,
    category: "fd",
    title: id,
    expected: "graceful",
    status,
    durationMs: 3,
    message: `${id} ${status}`,
    fence: FENCE,
    observed: {},
    ...over,
  };
}
const FENCE_EVENT = {
  event: "fence",
  fences: {},
  fence: FENCE,
  container: {},
  bun: "1.4.5",
};

/** A runner's stdout: the hello, then each event signed, one line each (as the runner writes them). */
function runnerLines(events: object[]): string[] {
  const lines: string[] = [];
  const channel = openChannel((text) => lines.push(...text.split("\n").filter(Boolean)));
  for (const e of events) channel.send(e);
  return lines;
}

/** The events of a runner that ran fd.a (fail) and fd.b (pass). */
const CLEAN = [
  FENCE_EVENT,
  { event: "start", id: "fd.a", timeoutMs: 1000 },
  result("fd.a", "fail"),
  { event: "start", id: "fd.b", timeoutMs: 1000 },
  result("fd.b", "pass"),
  { event: "done", total: 2 },
];

/** Feeds lines to a reader of `planned` and returns what it believed. */
function read(lines: string[], planned = PLANNED) {
  const results: ProbeResult[] = [];
  const starts: string[] = [];
  const idle: boolean[] = [];
  const errors: string[] = [];
  const events = readContainerEvents(planned, {
    onResult: (r) => results.push(r),
    onStart: (id) => starts.push(id),
    onIdle: (allIn) => idle.push(allIn),
    onProtocolError: (why) => errors.push(why),
  });
  for (const l of lines) events.line(l);
  const statuses: Record<string, string> = Object.fromEntries(results.map((r) => [r.id, r.status]));
  return { events, results, statuses, starts, idle, errors };
}

const believedClean: Record<string, string> = { "fd.a": "fail", "fd.b": "pass" };

test("a clean run: every result once, done, no protocol error", () => {
  const r = read(runnerLines(CLEAN));
  expect(r.statuses).toEqual(believedClean);
  expect(r.results).toHaveLength(2);
  expect(r.starts).toEqual(["fd.a", "fd.b"]);
  expect(r.idle).toEqual([false, false, true, true]);
  expect(r.events.done).toBe(true);
  expect(r.events.running).toBeNull();
  expect(r.events.protocolError).toBeNull();
  expect(r.events.fence).toEqual(FENCE);
});

describe("lines the runner did not sign change nothing", () => {
  const real = runnerLines(CLEAN);
  /** `extra` inserted after each line of the real stream (the hello included). */
  const interleave = (extra: string[]) => real.flatMap((l) => [l, ...extra]);

  test("app logs and unsigned events, old-protocol lines included", () => {
    const stray = [
      JSON.stringify({ event: "result", id: "job-42", status: "ok" }),
      '{"event":"result"}',
      JSON.stringify(result("fd.a", "pass")),
      JSON.stringify(result("fd.c", "pass")),
      JSON.stringify({ event: "done", total: 0 }),
      "",
      "not json at all",
    ];
    const r = read(interleave(stray));
    expect(r.statuses).toEqual(believedClean);
    expect(r.events.protocolError).toBeNull();
    expect(r.events.done).toBe(true);
  });

  test("forged channel lines: guessed MACs, another key's hello and signatures, broken JSON", () => {
    const other = runnerLines([FENCE_EVENT, result("fd.a", "pass"), result("fd.b", "fail")]);
    const forged = [
      '{"brink":',
      ' {"brink":1} ',
      other[0] as string, // a second hello, with a key of its own
      ...other.slice(1),
      ...[1, 2, 3, 4, 5, 6, 7].map(
        (seq) =>
          `{"brink":${seq},"mac":"${"0".repeat(64)}","e":${JSON.stringify(result("fd.b", "fail"))}}`,
      ),
      `{"brink":"2","mac":"x","e":${JSON.stringify(result("fd.a", "pass"))}}`,
    ];
    const r = read(interleave(forged));
    expect(r.errors).toEqual([]);
    expect(r.statuses).toEqual(believedClean);
    expect(r.results).toHaveLength(2);
    expect(r.events.done).toBe(true);
  });

  test("a replayed line is not believed twice", () => {
    const lines = [...real];
    lines.splice(4, 0, real[3] as string); // fd.a's result again, before fd.b starts
    const r = read(lines);
    expect(r.results.filter((x) => x.id === "fd.a")).toHaveLength(1);
    expect(r.statuses["fd.a"]).toBe("fail");
  });
});

describe("a runner's own lines that make no sense are a protocol error naming the line", () => {
  /** Signs `events` as one runner and returns what a reader believed. */
  const run = (events: object[], planned = PLANNED) => read(runnerLines(events), planned);
  const cases: [string, object[], RegExp][] = [
    [
      "a result for an id not planned",
      [FENCE_EVENT, { event: "start", id: "fd.a", timeoutMs: 1 }, result("fd.zz", "pass")],
      /a result for a probe not planned here \(fd\.zz\)/,
    ],
    [
      "a second result for one probe",
      [
        FENCE_EVENT,
        { event: "start", id: "fd.a", timeoutMs: 1 },
        result("fd.a", "fail"),
        result("fd.a", "pass"),
      ],
      /a second result for fd\.a/,
    ],
    [
      "a result in another category",
      [
        FENCE_EVENT,
        { event: "start", id: "fd.a", timeoutMs: 1 },
        result("fd.a", "pass", { category: "oom" }),
      ],
      /a result for fd\.a in category oom, not fd/,
    ],
    [
      "a result for a probe that is not running",
      [FENCE_EVENT, { event: "start", id: "fd.a", timeoutMs: 1 }, result("fd.b", "pass")],
      /a result for fd\.b, which is not the probe running/,
    ],
    [
      "a pass with no start",
      [FENCE_EVENT, result("fd.a", "pass")],
      /a result for fd\.a, which is not the probe running/,
    ],
    [
      "a start before the fences",
      [{ event: "start", id: "fd.a", timeoutMs: 1 }],
      /a start before the fences were read/,
    ],
    [
      "a start for an id not planned",
      [FENCE_EVENT, { event: "start", id: "fd.zz", timeoutMs: 1 }],
      /a start for a probe not planned here \(fd\.zz\)/,
    ],
    [
      "a start while another probe runs",
      [
        FENCE_EVENT,
        { event: "start", id: "fd.a", timeoutMs: 1 },
        { event: "start", id: "fd.b", timeoutMs: 1 },
      ],
      /a start out of turn \(fd\.b\)/,
    ],
    [
      "done while a probe runs",
      [FENCE_EVENT, { event: "start", id: "fd.a", timeoutMs: 1 }, { event: "done", total: 2 }],
      /done while a probe was running/,
    ],
    ["an event after done", [FENCE_EVENT, { event: "done", total: 0 }, FENCE_EVENT], /after done/],
    ["a second fence event", [FENCE_EVENT, FENCE_EVENT], /a second fence event/],
    [
      "an event a run does not expect",
      [FENCE_EVENT, { event: "probes", probes: [] }],
      /does not expect \(probes\)/,
    ],
    ["an unknown event", [FENCE_EVENT, { event: "hello there" }], /unknown event "hello there"/],
    [
      "a result with an unknown status",
      [FENCE_EVENT, { event: "start", id: "fd.a", timeoutMs: 1 }, result("fd.a", "great" as never)],
      /result fd\.a: unknown status/,
    ],
    [
      "a result whose message is a number",
      [
        FENCE_EVENT,
        { event: "start", id: "fd.a", timeoutMs: 1 },
        result("fd.a", "pass", { message: 4 }),
      ],
      /result fd\.a: title or message/,
    ],
  ];
  for (const [name, events, why] of cases)
    test(name, () => {
      const r = run(events);
      expect(r.events.protocolError).toMatch(why);
      expect(r.errors).toEqual([r.events.protocolError as string]);
      // It names the raw line, the signed envelope included.
      expect(r.events.protocolError).toContain('{"brink":');
      expect(r.results.some((x) => x.status === "pass")).toBe(false);
    });

  test("a line missing from the sequence: what came after it is not believed", () => {
    const lines = runnerLines(CLEAN);
    lines.splice(3, 1); // fd.a's result never arrives
    const r = read(lines);
    expect(r.events.protocolError).toMatch(/events 3..3 were lost/);
    expect(r.results).toEqual([]);
    expect(r.events.running?.probe.id).toBe("fd.a");
    expect(r.events.done).toBe(false);
  });

  test("after the first protocol error nothing more is believed", () => {
    const r = run([
      FENCE_EVENT,
      { event: "start", id: "fd.a", timeoutMs: 1 },
      result("fd.zz", "pass"),
      result("fd.a", "pass"),
      { event: "done", total: 2 },
    ]);
    expect(r.results).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.events.done).toBe(false);
  });

  test("the raw line is cut to 300 characters", () => {
    const r = run([
      FENCE_EVENT,
      { event: "start", id: "fd.a", timeoutMs: 1 },
      result("fd.zz", "pass", { message: "m".repeat(5000) }),
    ]);
    const err = r.events.protocolError as string;
    expect(err.endsWith("…")).toBe(true);
    expect(err.length).toBeLessThan(400);
  });
});

test("a skip the runner decided needs no start; a refusal is kept", () => {
  const r = read(
    runnerLines([
      FENCE_EVENT,
      result("fd.a", "skip"),
      { event: "refused", code: "NOT_BRINK", message: "no" },
      { event: "start", id: "fd.b", timeoutMs: 1 },
      result("fd.b", "pass"),
      { event: "done", total: 2 },
    ]),
  );
  expect(r.statuses).toEqual({ "fd.a": "skip", "fd.b": "pass" });
  expect(r.events.refused).toBe("NOT_BRINK: no");
  expect(r.events.protocolError).toBeNull();
});

test("no line, however odd, makes the reader throw", () => {
  const real = runnerLines(CLEAN);
  const odd = [
    "\u0000",
    "{".repeat(10_000),
    `{"brink":1e999,"mac":"","e":{}}`,
    `{"brink":-1,"mac":"","e":{}}`,
    `{"brink":1,"mac":null,"e":null}`,
    `{"brink":"hello","v":1,"key":"zz"}`,
    `{"brink":"hello","v":1}`,
    `{"brink":{"toString":1}}`,
    `{"brink":[1],"e":"\\ud800"}`,
  ];
  for (const where of [0, 1, 3, real.length])
    expect(() => {
      const lines = [...real];
      lines.splice(where, 0, ...odd);
      read(lines);
    }).not.toThrow();
});
