import { expect, test } from "bun:test";
import { readStraceLog } from "../src/sweep/driver.ts";
import { splitCommand } from "../src/sweep/split-command.ts";

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

test("readStraceLog counts matching calls and finds the injected one", () => {
  const log = [
    '[pid    9] write(5</scratch/data.json>, "ab", 2) = 2',
    '[pid    9] write(5</scratch/data.json>, "cd", 2) = -1 ENOSPC (No space left on device) (INJECTED)',
    "[pid   10] +++ exited with 1 +++",
  ].join("\n");
  const r = readStraceLog(log, "write");
  expect(r.calls).toBe(2);
  expect(r.injected).toEqual({
    syscall: "write",
    call: 'write(5</scratch/data.json>, "cd", 2) = -1 ENOSPC (No space left on device) (INJECTED)',
  });
  expect(readStraceLog('write(1, "x", 1) = 1\n', "write")).toEqual({ calls: 1, injected: null });
  expect(readStraceLog("", "openat")).toEqual({ calls: 0, injected: null });
});

test("readStraceLog does not count other calls whose names end alike", () => {
  expect(
    readStraceLog('pwrite64(3, "x", 1, 0) = 1\n[pid 3] write(1, "y", 1) = 1\n', "write").calls,
  ).toBe(1);
});
