import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brink, engineTest, leftovers, testDir, testRunId } from "./engine.ts";

const tmp = testDir("brink-sweep-test-");
const EX = "examples/sweep";
const SAVE = [
  "--fault",
  "write:ENOSPC",
  "--path",
  "/scratch/data.json",
  "--path",
  "/scratch/data.json.tmp",
  "--check",
  `bun ${EX}/check-json.ts`,
];

async function sweep(name: string, args: string[]) {
  const json = join(tmp, `${name}.json`);
  const xml = join(tmp, `${name}.xml`);
  const run = testRunId(`sweep-${name}`);
  const r = await brink(
    [
      "sweep",
      ...args.slice(0, args.indexOf("--")),
      "--json",
      json,
      "--junit",
      xml,
      ...args.slice(args.indexOf("--")),
    ],
    { run },
  );
  return {
    ...r,
    run,
    report: JSON.parse(readFileSync(json, "utf8")),
    xml: readFileSync(xml, "utf8"),
  };
}

engineTest(
  "sweep write:ENOSPC: finds the N where an in-place save corrupts the file; none for temp+rename",
  async () => {
    const inplace = await sweep("inplace", [...SAVE, "--", "bun", `${EX}/save-inplace.ts`]);
    expect(inplace.code).toBe(1);
    const rows = inplace.report.results as {
      n: number;
      outcome: string;
      injected: { call: string };
    }[];
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.map((r) => r.n)).toEqual(rows.map((_, i) => i + 1));
    expect(inplace.report.firstBreak["write:ENOSPC"]).toBe(
      rows.find((r) => r.outcome === "corrupted")?.n,
    );
    expect(inplace.report.summary.corrupted).toBeGreaterThan(0);
    expect(rows[0]?.injected.call).toContain("write(");
    expect(rows[0]?.injected.call).toContain("/scratch/data.json");
    expect(inplace.xml).toContain('<failure message="corrupted"');

    const atomic = await sweep("atomic", [...SAVE, "--", "bun", `${EX}/save-atomic.ts`]);
    expect(atomic.code).toBe(0);
    expect(atomic.report.firstBreak["write:ENOSPC"]).toBeNull();
    expect(atomic.report.summary.corrupted).toBe(0);
    expect(atomic.report.results.length).toBe(rows.length);
    expect(atomic.report.results.every((r: { outcome: string }) => r.outcome === "reported")).toBe(
      true,
    );
    expect(await leftovers(inplace.run)).toBe(0);
    expect(await leftovers(atomic.run)).toBe(0);
  },
  180_000,
);

engineTest(
  "sweep openat:EMFILE tells a program that retries from one that crashes",
  async () => {
    const args = ["--fault", "openat:EMFILE", "--path", `/work/${EX}/config.json`];
    const retry = await sweep("retry", [...args, "--", "bun", `${EX}/open-retry.ts`]);
    expect(retry.code).toBe(0);
    expect(retry.report.results.length).toBeGreaterThan(0);
    expect(retry.report.results.every((r: { outcome: string }) => r.outcome === "handled")).toBe(
      true,
    );
    const crash = await sweep("crash", [...args, "--", "bun", `${EX}/open-crash.ts`]);
    expect(crash.code).toBe(1);
    expect(crash.report.results[0]).toMatchObject({ n: 1, outcome: "crashed", signal: "SIGABRT" });
    expect(await leftovers(retry.run)).toBe(0);
    expect(await leftovers(crash.run)).toBe(0);
  },
  120_000,
);

test.each([
  [["sweep", "--fault", "write:ENOPE", "--", "true"], '--fault "write:ENOPE"'],
  [["sweep", "--fault", "ioctl:EIO", "--", "true"], '--fault "ioctl:EIO"'],
  [["sweep", "--", "true"], "needs --fault"],
  [["sweep", "--fault", "write:ENOSPC", "--check", 'bun "open', "--", "true"], "--check"],
  [["sweep", "--fault", "write:ENOSPC", "--check", " ", "--", "true"], "is empty"],
  [["sweep", "--fault", "write:ENOSPC"], "needs a command after --"],
  [["sweep", "--fault", "write:ENOSPC", "--path", "data.json", "--", "true"], "must be absolute"],
])("sweep bad input %p: exit 2, one line", async (args, says) => {
  const r = await brink(args as string[]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(says as string);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});
