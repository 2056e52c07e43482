import { expect } from "bun:test";
import { brink, engineTest } from "../../cli/test/engine.ts";

engineTest("pressure generators, each on its own, inside a real fence", async () => {
  const r = await brink([
    "exec",
    "--memory",
    "256m",
    "--nofile",
    "128",
    "--disk",
    "16m",
    "--pids",
    "64",
    "--",
    "bun",
    "packages/probes/test/fenced/generators.ts",
  ]);
  expect(r.stderr).not.toMatch(/error|at \//i);
  expect(r.code).toBe(0);
  const o = JSON.parse(r.stdout.trim().split("\n").at(-1) as string);
  expect(o.memory.reached).toBe(32 * 2 ** 20);
  expect(o.memory.held).toBeGreaterThan(24 * 2 ** 20);
  expect(o.fdTarget).toEqual({ opened: 50, error: null });
  expect(o.fd.error).toBe("EMFILE");
  expect(o.fd.limit).toBe(128);
  expect(o.fd.opened).toBeLessThan(128);
  expect(o.fd.leaked).toBeLessThanOrEqual(0);
  expect(o.pipe.error).toBe("EMFILE");
  expect(o.pipe.opened).toBeGreaterThan(100);
  expect(o.pipe.pipes).toBeGreaterThanOrEqual(o.pipe.opened);
  expect(o.disk.error).toBe("ENOSPC");
  expect(o.disk.written).toBe(16 * 2 ** 20);
  expect(o.disk.files).toBe(3);
  expect(o.diskTarget).toEqual({ written: 4 * 2 ** 20, error: null });
  expect(o.stack.error).toBe("RangeError");
  expect(o.stack.depth).toBeGreaterThan(1000);
  expect(o.pidsTarget).toEqual({ spawned: 10, error: null });
  expect(o.pidsReaped).toBe(10);
});
