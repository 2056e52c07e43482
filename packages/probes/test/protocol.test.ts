import { expect, test } from "bun:test";
import {
  builtinProbes,
  CATEGORIES,
  defineProbe,
  encodeEvent,
  parseEventLine,
  probesOf,
  selectProbes,
} from "../src/index.ts";

test("events round-trip; anything else is log text, never a crash", () => {
  const e = { event: "start" as const, id: "fd.x", timeoutMs: 5 };
  expect(parseEventLine(encodeEvent(e))).toEqual(e);
  for (const junk of ["hello", "{", '{"event":"nope"}', "[1,2]", "", '{"no":"event"}'])
    expect(parseEventLine(junk)).toBeNull();
});

test("the built-in suite: at least 28 probes, unique ids, the minimum per category", () => {
  expect(builtinProbes.length).toBeGreaterThanOrEqual(28);
  expect(new Set(builtinProbes.map((p) => p.id)).size).toBe(builtinProbes.length);
  const min = { oom: 7, disk: 6, stack: 6, fd: 6, pids: 3 };
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
      category: "cpu" as never,
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
  expect(probesOf({ default: [p], other: 3, again: p }).map((x) => x.id)).toEqual(["fd.mine"]);
});

test("selectProbes filters by category and id and names unknown ones", () => {
  expect(
    selectProbes(builtinProbes, { categories: ["pids"] }).every((p) => p.category === "pids"),
  ).toBe(true);
  expect(selectProbes(builtinProbes, { ids: ["fd.exhaust-until-emfile"] }).length).toBe(1);
  expect(() => selectProbes(builtinProbes, { ids: ["fd.nope"] })).toThrow("fd.nope");
});
