import { expect, test } from "bun:test";
import { closeSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FD_TABLE_MAX, holdFdTableOpen, softNofile } from "../src/runner/fd-table.ts";

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            256                  512                  files
Max processes             100                  100                  processes
`;

test("softNofile reads the soft limit of a limits file; null when it cannot", () => {
  const dir = mkdtempSync(join(tmpdir(), "brink-limits-"));
  writeFileSync(join(dir, "limits"), LIMITS);
  writeFileSync(join(dir, "bad"), "Max open files  lots  lots  files\n");
  expect(softNofile(join(dir, "limits"))).toBe(256);
  expect(softNofile(join(dir, "bad"))).toBeNull();
  expect(softNofile(join(dir, "missing"))).toBeNull();
});

/** A process's descriptor table size, from its /proc status. */
const fdSizeOf = (status: string) => Number(/^FDSize:\s+(\d+)/m.exec(status)?.[1]);

test("a process started after holdFdTableOpen begins with a table that large", async () => {
  const child = () =>
    Bun.spawn(
      [
        process.execPath,
        "-e",
        "process.stdout.write(require('fs').readFileSync('/proc/self/status','utf8'))",
      ],
      {
        stdout: "pipe",
      },
    );
  const before = fdSizeOf(await new Response(child().stdout).text());
  // The test process's own table is smaller than the cap, or nothing could be shown.
  expect(before).toBeLessThan(FD_TABLE_MAX);
  const held = await holdFdTableOpen(1 << 20);
  try {
    expect(held).toBe(FD_TABLE_MAX - 1);
    const after = fdSizeOf(await new Response(child().stdout).text());
    expect(after).toBeGreaterThanOrEqual(FD_TABLE_MAX);
  } finally {
    if (held !== null) closeSync(held);
  }
  expect(await holdFdTableOpen(1)).toBeNull();
  const small = await holdFdTableOpen(300);
  expect(small).toBe(299);
  if (small !== null) closeSync(small);
});
