import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CATEGORIES } from "@brink/probes";
import { brink, engineTest, leftovers, SMALL_FENCES, testDir, testRunId } from "./engine.ts";

const MiB = 2 ** 20;
const tmp = testDir("brink-run-test-");

engineTest(
  "run: every built-in probe passes, with a result for every probe list names",
  async () => {
    const json = join(tmp, "all.json");
    const xml = join(tmp, "all.xml");
    const md = join(tmp, "all.md");
    const run = testRunId("run-all");
    const r = await brink(["run", "--json", json, "--junit", xml, "--markdown", md], { run });
    const report = JSON.parse(readFileSync(json, "utf8"));
    const listed = JSON.parse((await brink(["list", "--json"])).stdout) as { id: string }[];
    expect(listed.length).toBeGreaterThanOrEqual(28);
    expect(report.results.map((x: { id: string }) => x.id).sort()).toEqual(
      listed.map((p) => p.id).sort(),
    );
    const failing = report.results.filter((x: { status: string }) => x.status !== "pass");
    expect(failing).toEqual([]);
    expect(r.code).toBe(0);
    expect(report).toMatchObject({
      version: 1,
      tool: { name: "brink" },
      engine: { kind: "docker" },
      summary: { total: listed.length, pass: listed.length },
    });
    for (const x of report.results) expect(Object.keys(x.observed).length).toBeGreaterThan(0);
    // JUnit parses with a stock XML parser and has one testsuite per category.
    const py = Bun.spawnSync([
      "python3",
      "-c",
      "import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); print(len(r.findall('testsuite')), len(list(r.iter('testcase'))))",
      xml,
    ]);
    expect(py.stdout.toString().trim()).toBe(`${CATEGORIES.length} ${listed.length}`);
    expect(readFileSync(md, "utf8")).toContain("| ✅ pass | `fd.exhaust-until-emfile` |");
    expect(await leftovers(run)).toBe(0);
  },
  180_000,
);

engineTest(
  "run: fences asked for are the fences read inside each container",
  async () => {
    const json = join(tmp, "fences.json");
    await brink(["run", ...SMALL_FENCES, "--json", json]);
    const report = JSON.parse(readFileSync(json, "utf8"));
    expect(report.results.length).toBeGreaterThan(0);
    for (const x of report.results) {
      const memory = x.category === "disk" ? 116 * MiB : 96 * MiB;
      expect(x.fence).toEqual({
        memory,
        disk: 20 * MiB,
        stack: 2 * MiB,
        nofile: 64,
        pids: 50,
        // The cpu category's own default (0.25) holds where --cpus was not given.
        cpus: x.category === "cpu" ? 0.25 : 1,
      });
    }
  },
  180_000,
);

engineTest("run: a user suite from examples/ runs through the same runner", async () => {
  const json = join(tmp, "user.json");
  const r = await brink(["run", "--suite", "examples/suite.ts", "--json", json]);
  const report = JSON.parse(readFileSync(json, "utf8"));
  expect(report.results.length).toBeGreaterThanOrEqual(2);
  expect(report.results.every((x: { id: string }) => x.id.includes("kv"))).toBe(true);
  expect(report.results.filter((x: { status: string }) => x.status !== "pass")).toEqual([]);
  expect(r.code).toBe(0);
});

engineTest(
  "run --probe: just the probes named, in the suite's order, across categories",
  async () => {
    const json = join(tmp, "picked.json");
    const picked = ["stack.deep-json-parse", "fd.no-leak-after-release"];
    const r = await brink(["run", "--probe", picked.join(","), "--json", json]);
    const report = JSON.parse(readFileSync(json, "utf8"));
    expect(report.results.map((x: { id: string }) => x.id).sort()).toEqual([...picked].sort());
    expect(report.results.every((x: { status: string }) => x.status === "pass")).toBe(true);
    expect(r.code).toBe(0);
  },
);
