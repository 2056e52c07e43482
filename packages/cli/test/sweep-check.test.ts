import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openChannel } from "@brink/probes/host";
import { checkedStdout, validCheck } from "../src/orchestrate/sweep-check.ts";
import { brink, engineTest, leftovers, testDir, testRunId } from "./engine.ts";

const tmp = testDir("brink-exec-check-");
const P = "packages/cli/test/fixtures/programs";

/** What the wrapper writes: its hello, CMD's output, its signed check event. */
function wrapperStream(program: string, event: object): Buffer {
  let text = "";
  const channel = openChannel((l) => {
    text += l;
  });
  text += program;
  channel.send(event);
  return Buffer.from(text);
}

const CHECK = { event: "check", exitCode: 1, signal: null, timedOut: false, output: "broken\n" };

test("checkedStdout takes out the wrapper's lines, byte for byte, however the stream is cut", async () => {
  const program =
    'x\n{"brink":1,"mac":"00","e":{}}\n\n{"brink":"hello","v":1,"key":"ab"}\nno newline';
  const stream = wrapperStream(program, CHECK);
  for (const size of [1, 2, 3, 7, 64, stream.length]) {
    const out: Buffer[] = [];
    const filter = checkedStdout((c) => out.push(Buffer.from(c)));
    for (let i = 0; i < stream.length; i += size) await filter.write(stream.subarray(i, i + size));
    await filter.end();
    // what the program printed, forged and second hellos included, passes; the check is believed
    expect({ size, text: Buffer.concat(out).toString() }).toEqual({ size, text: program });
    expect(filter.check).toEqual({
      exitCode: 1,
      signal: null,
      timedOut: false,
      output: "broken\n",
    });
  }
});

test("validCheck checks every field of the check event", () => {
  expect(validCheck({ event: "check", missing: "node" })).toEqual({ missing: "node" });
  for (const bad of [
    { exitCode: "1" },
    { signal: "KILL" },
    { timedOut: 0 },
    { output: 5 },
    { output: "x".repeat(100_001) },
    { event: "step" },
  ])
    expect(validCheck({ ...CHECK, ...bad })).toBeNull();
});

engineTest(
  "exec --check: a save that renames a short-written file is caught on a real full disk; the check's result is in the JSON and decides the code",
  async () => {
    const run = testRunId("exec-check");
    const json = join(tmp, "check.json");
    const check = ["--check", `bun ${P}/check-data.ts --no-temp`];
    const ignore = await brink(
      [
        "exec",
        "--disk",
        "20k",
        ...check,
        "--json",
        json,
        "--",
        "bun",
        `${P}/save-short-write.ts`,
        "ignore",
      ],
      { run },
    );
    // the command said "saved" and exited 0: the check is what fails it
    expect(ignore.stdout).toBe("saved\n");
    expect(ignore.code).toBe(1);
    expect(ignore.stderr).toContain("brink: --check failed (exit 1)");
    const doc = JSON.parse(readFileSync(json, "utf8"));
    expect(doc).toMatchObject({ exitCode: 0, outcome: "exited" });
    expect(doc.check.exitCode).toBe(1);
    expect(doc.check.output).toContain("broken: JSON Parse error");
    const checked = await brink(
      ["exec", "--disk", "20k", ...check, "--", "bun", `${P}/save-short-write.ts`, "checked"],
      { run },
    );
    // the command failed itself: its own code, and the old file is whole
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain("save failed: ENOSPC");
    expect(checked.stderr).not.toContain("--check failed");
    const roomy = await brink(
      ["exec", ...check, "--", "bun", `${P}/save-short-write.ts`, "checked"],
      {
        run,
      },
    );
    expect(roomy).toMatchObject({ code: 0, stdout: "saved\n" });
    expect(await leftovers(run)).toBe(0);
  },
);
