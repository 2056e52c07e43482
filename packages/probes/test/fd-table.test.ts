import { expect, test } from "bun:test";
import { closeSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readProcLimits } from "@brink/guard";
import { FD_TABLE_MAX, holdFdTableOpen } from "../src/runner/fd-table.ts";

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            256                  512                  files
Max processes             100                  100                  processes
`;

test("the soft nofile limit the table is sized by: read from a limits file; null when it cannot be", () => {
  const root = (text?: string) => {
    const dir = mkdtempSync(join(tmpdir(), "brink-limits-"));
    mkdirSync(join(dir, "proc/self"), { recursive: true });
    if (text !== undefined) writeFileSync(join(dir, "proc/self/limits"), text);
    return dir;
  };
  expect(readProcLimits(root(LIMITS)).nofile.soft).toBe(256);
  expect(readProcLimits(root("Max open files  lots  lots  files\n")).nofile.soft).toBeNull();
  expect(readProcLimits(root()).nofile.soft).toBeNull();
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
