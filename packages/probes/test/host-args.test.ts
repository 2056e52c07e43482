import { expect, test } from "bun:test";
import { parseHostArgs } from "../src/probe-host.ts";

test("the probe process reads the runner's argv: values, repeated suites, flags", () => {
  expect(
    parseHostArgs([
      ...["--probe", "fd.x", "--category", "fd", "--timeout", "5000"],
      ...["--scratch", "/scratch/fd.x", "--fences", '{"a":1}', "--report", "/proc/7/fd/9"],
      ...["--suite", "/work/a.ts", "--suite", "/work/--b.ts", "--builtin"],
    ]),
  ).toEqual({
    probe: "fd.x",
    category: "fd",
    timeout: "5000",
    scratch: "/scratch/fd.x",
    fences: '{"a":1}',
    report: "/proc/7/fd/9",
    suite: ["/work/a.ts", "/work/--b.ts"],
    builtin: true,
  });
  expect(parseHostArgs(["--list"])).toEqual({ list: true });
});

test("anything else is refused, naming it", () => {
  expect(() => parseHostArgs(["--probe"])).toThrow("--probe needs a value");
  expect(() => parseHostArgs(["--nope", "1"])).toThrow('unknown argument "--nope"');
  expect(() => parseHostArgs(["stray"])).toThrow('unknown argument "stray"');
  expect(() => parseHostArgs(["--__proto__", "x"])).toThrow("unknown argument");
});
