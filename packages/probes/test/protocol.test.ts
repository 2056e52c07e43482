import { expect, test } from "bun:test";
import { channelReader, openChannel, probesOf, validateEvent } from "../src/host.ts";
import { CATEGORIES, defineProbe, isDefinedProbe, selectProbes } from "../src/index.ts";
import { builtinProbes } from "../src/suite/index.ts";

test("channel: the host believes only signed events in sequence after one hello", () => {
  const lines: string[] = [];
  const w = openChannel((l) => lines.push(...l.split("\n").filter(Boolean)));
  w.send({ event: "start", id: "fd.x", timeoutMs: 5 });
  w.send({ event: "done", total: 1 });
  const r = channelReader();
  expect(r.accept('{"event":"result","id":"fd.x","status":"pass"}').kind).toBe("stray");
  expect(r.accept(lines[1] as string).kind).toBe("bad"); // an event before the hello
  expect(r.accept(lines[0] as string)).toEqual({ kind: "hello" });
  expect(r.accept(lines[0] as string).kind).toBe("bad"); // a second hello
  const first = r.accept(lines[1] as string);
  expect(first).toEqual({ kind: "event", event: { event: "start", id: "fd.x", timeoutMs: 5 } });
  expect(r.accept(lines[1] as string).kind).toBe("bad"); // replayed
  const forged = (lines[2] as string).replace('"total":1', '"total":2');
  expect(r.accept(forged)).toMatchObject({ kind: "bad", why: "its MAC does not verify" });
  expect(r.accept(lines[2] as string).kind).toBe("event");
  // Another writer's key does not verify on this reader.
  const other: string[] = [];
  openChannel((l) => other.push(...l.split("\n").filter(Boolean))).send({
    event: "done",
    total: 0,
  });
  expect(r.accept(other[1] as string).kind).toBe("bad");
  // A signed event after a gap: the writer's own events were lost on the way.
  const gap: string[] = [];
  const g = openChannel((l) => gap.push(...l.split("\n").filter(Boolean)));
  g.send({ event: "done", total: 0 });
  g.send({ event: "done", total: 1 });
  const r2 = channelReader();
  r2.accept(gap[0] as string);
  expect(r2.accept(gap[2] as string)).toMatchObject({ kind: "lost", why: "events 1..1 were lost" });
});

test("validateEvent: schemas checked, anything else is a reason, never a throw", () => {
  expect(validateEvent({ event: "start", id: "fd.x", timeoutMs: 5 })).toEqual({
    event: "start",
    id: "fd.x",
    timeoutMs: 5,
  });
  for (const junk of [
    null,
    "x",
    [1],
    { event: "nope" },
    { event: "result" },
    { event: "result", id: "fd.x", category: "memory" },
    { event: "start", id: "Bad Id", timeoutMs: 1 },
    { event: "done", total: -1 },
  ])
    expect(typeof validateEvent(junk)).toBe("string");
});

test("the built-in suite: at least 41 probes, unique ids, the minimum per category", () => {
  expect(builtinProbes.length).toBeGreaterThanOrEqual(41);
  expect(new Set(builtinProbes.map((p) => p.id)).size).toBe(builtinProbes.length);
  const min = { oom: 9, disk: 6, stack: 6, fd: 6, pids: 3, cpu: 5, net: 6 };
  for (const c of CATEGORIES)
    expect(builtinProbes.filter((p) => p.category === c).length).toBeGreaterThanOrEqual(min[c]);
  expect(builtinProbes.filter((p) => p.expected === "killed").map((p) => p.id)).toEqual([
    "oom.container-killed-by-fence",
  ]);
});

test("defineProbe checks ids and categories; probesOf finds exported probes", () => {
  expect(() =>
    defineProbe({
      id: "Bad Id",
      category: "fd",
      title: "x",
      run: () => ({ ok: true, message: "", observed: {} }),
    }),
  ).toThrow('probe id "Bad Id"');
  expect(() =>
    defineProbe({
      id: "x.y",
      category: "gpu" as never,
      title: "x",
      run: () => ({ ok: true, message: "", observed: {} }),
    }),
  ).toThrow("category");
  const p = defineProbe({
    id: "fd.mine",
    category: "fd",
    title: "mine",
    run: () => ({ ok: true, message: "", observed: {} }),
  });
  expect(p.expected).toBe("graceful");
  expect(isDefinedProbe(p)).toBe(true);
  expect(probesOf({ default: [p], other: 3, again: p }).map((x) => x.id)).toEqual(["fd.mine"]);
  const twin = { ...p };
  expect(() => probesOf({ a: p, b: defineProbe({ ...twin }) }, "s.ts")).toThrow(
    'two probes have the id "fd.mine"',
  );
  expect(() => probesOf({ plain: { id: "oom.x", category: "memory", run() {} } }, "s.ts")).toThrow(
    "not made with defineProbe",
  );
  for (const timeoutMs of [Number.POSITIVE_INFINITY, 3e9, 0, -5, Number.NaN])
    expect(() => defineProbe({ ...twin, timeoutMs })).toThrow("timeoutMs");
});

test("selectProbes filters by category and id and names unknown ones", () => {
  expect(
    selectProbes(builtinProbes, { categories: ["pids"] }).every((p) => p.category === "pids"),
  ).toBe(true);
  expect(selectProbes(builtinProbes, { ids: ["fd.exhaust-until-emfile"] }).length).toBe(1);
  expect(() => selectProbes(builtinProbes, { ids: ["fd.nope"] })).toThrow("fd.nope");
});
