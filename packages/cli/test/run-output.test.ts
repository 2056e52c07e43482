// What `brink run` prints and writes (issue 16): a header and notes about only what runs,
// plurals, failures with their reason as they happen, a throw's message and first stack
// frames in every report, one line per report written.
import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brink, engineTest, leftovers, testDir, testRunId } from "./engine.ts";

const tmp = testDir("brink-run-output-");
const UX = "packages/cli/test/fixtures/suites/ux.ts";
const ONE = "packages/cli/test/fixtures/suites/one.ts";

engineTest(
  "a run of one fd probe: '1 probe in fd', no note about the disk, plurals right",
  async () => {
    const run = testRunId("run-one");
    // --allow-skip is accepted (and changes nothing when nothing is skipped)
    const r = await brink(["run", "--suite", ONE, "--allow-skip"], { run });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/: 1 probe in fd; engine /);
    expect(r.stderr).not.toContain("probes in");
    expect(r.stdout).not.toContain("note:");
    expect(r.stdout).toContain("  ok   fd    1/1");
    expect(r.stdout).toMatch(/1 passed, 0 failed, 0 errors, 0 killed, 0 skipped/);
    expect(await leftovers(run)).toBe(0);
  },
);

engineTest(
  "failures and a throw: their reason as they happen, the stack's first frames in terminal, JSON, JUnit and Markdown; a line per report",
  async () => {
    const run = testRunId("run-ux");
    const out = {
      json: join(tmp, "ux.json"),
      junit: join(tmp, "ux.xml"),
      markdown: join(tmp, "ux.md"),
    };
    const r = await brink(
      ["run", "--suite", UX, "--json", out.json, "--junit", out.junit, "--markdown", out.markdown],
      { run },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/: 3 probes in fd; engine /);
    expect(r.stdout).not.toContain("note:");
    // as they happen (lines, not a terminal): each failure with the first line of why
    expect(r.stderr).toMatch(/fail {3}fd\.ux-fails \(\d+ ms\): the store lost a write\n/);
    expect(r.stderr).toMatch(
      /fail {3}fd\.ux-throws \(\d+ ms\): threw TypeError: the store handle was closed\n/,
    );
    // the summary: the message, then the stack's frames under it
    expect(r.stdout).toContain("fail   fd.ux-throws: threw TypeError: the store handle was closed");
    expect(r.stdout).toMatch(
      /\n {16}at deeper \(\/work\/packages\/cli\/test\/fixtures\/suites\/ux\.ts:\d+:\d+\)\n/,
    );
    // after the summary, one line per report, in the order of the flags' kinds
    expect(r.stdout.trimEnd().split("\n").slice(-3)).toEqual([
      `JSON: ${out.json}`,
      `JUnit: ${out.junit}`,
      `Markdown: ${out.markdown}`,
    ]);
    const thrown = JSON.parse(readFileSync(out.json, "utf8")).results.find(
      (x: { id: string }) => x.id === "fd.ux-throws",
    );
    expect(thrown.message).toBe("threw TypeError: the store handle was closed");
    expect(thrown.observed.thrown).toBe("TypeError");
    expect(thrown.observed.stack).toContain("at deeper (");
    expect(readFileSync(out.junit, "utf8")).toMatch(
      /threw TypeError: the store handle was closed\n {2}at deeper \(/,
    );
    expect(readFileSync(out.markdown, "utf8")).toMatch(
      /threw TypeError: the store handle was closed<br> {2}at deeper \(/,
    );
    expect(await leftovers(run)).toBe(0);
  },
);
