import { afterAll, expect, test } from "bun:test";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stepSummaryWanted, unwritable } from "../src/report/write-reports.ts";

const dir = mkdtempSync(join(tmpdir(), "brink-report-paths-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a report path that can be written passes, and checking it leaves nothing changed", () => {
  const existing = join(dir, "old.json");
  writeFileSync(existing, "kept");
  expect(unwritable(existing)).toBeNull();
  expect(readFileSync(existing, "utf8")).toBe("kept");
  // A new file in a folder that is there: made and taken away again by the check.
  expect(unwritable(join(dir, "new.json"))).toBeNull();
  expect(existsSync(join(dir, "new.json"))).toBe(false);
  // Folders still missing are made when the report is written, not by the check.
  expect(unwritable(join(dir, "a/b/c.json"))).toBeNull();
  expect(existsSync(join(dir, "a"))).toBe(false);
  // A link whose target is missing is written through.
  symlinkSync(join(dir, "target.json"), join(dir, "link.json"));
  expect(unwritable(join(dir, "link.json"))).toBeNull();
  expect(lstatSync(join(dir, "link.json")).isSymbolicLink()).toBe(true);
  expect(unwritable("/dev/null")).toBeNull();
});

test("what cannot take a report is named before the run", () => {
  mkdirSync(join(dir, "folder"));
  expect(unwritable(join(dir, "folder"))).toBe("it is a directory");
  Bun.spawnSync(["mkfifo", join(dir, "pipe")]);
  expect(unwritable(join(dir, "pipe"))).toBe("it is a FIFO");
  writeFileSync(join(dir, "file"), "");
  expect(unwritable(join(dir, "file/x.json"))).toContain("is not a directory");
  // A folder that only looks writable: as root /proc passes the access check, not the trial.
  expect(unwritable("/proc/brink-report.json")).not.toBeNull();
});

test("the step summary gets the table unless it is the --markdown file itself", () => {
  expect(stepSummaryWanted({ GITHUB_STEP_SUMMARY: "/tmp/s.md" }, undefined)).toBe(true);
  expect(stepSummaryWanted({ GITHUB_STEP_SUMMARY: "/tmp/s.md" }, "/tmp/r.md")).toBe(true);
  expect(stepSummaryWanted({ GITHUB_STEP_SUMMARY: "/tmp/s.md" }, "/tmp/./s.md")).toBe(false);
  expect(stepSummaryWanted({}, "/tmp/r.md")).toBe(false);
});
