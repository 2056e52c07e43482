import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProbeResult } from "@brink/probes";
import { cleanTerminalLines, cleanTerminalText } from "../src/report/escape.ts";
import { toJUnit } from "../src/report/junit.ts";
import { toMarkdown } from "../src/report/markdown.ts";
import { buildReport, exitCodeOf, type Report, summarize } from "../src/report/report.ts";
import {
  buildSweepReport,
  type SweepRow,
  shortCall,
  sweepJUnit,
  sweepRowLine,
  sweepTable,
} from "../src/report/sweep-report.ts";
import { palette, resultLine, summaryText } from "../src/report/terminal.ts";
import { writeReports } from "../src/report/write-reports.ts";

// ---------------------------------------------------------------- fixtures

const fence = { memory: 1, disk: 2, stack: 3, nofile: 4, pids: 5, cpus: 1 };
let deep: Record<string, unknown> = { bottom: true };
for (let i = 0; i < 20_000; i++) deep = { d: deep };

/** What no report may hold raw (line feeds aside): C0, DEL, C1, line separators, a bidi override. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202e]/;

const ESC_MSG = "\u001b[31mred\u001b[0m\u0000nul\u007fdel\u009bcsi\u0007bell";
const ASTRAL = "emoji 😀 and fraktur 𝔘";
const FORGED_CATEGORY = 'oom" foo="bar';

/** Results whose fields hold what a buggy probe or a garbled line could put there. */
const hostile = (): Record<string, unknown>[] =>
  [
    { id: "fd.new\nline`tick|pipe", category: "fd", status: "fail", message: `<a & "q"> ]]> 'x'` },
    { id: "oom.ansi", category: FORGED_CATEGORY, status: "fail", message: ESC_MSG },
    {
      id: `disk.astral ${ASTRAL}`,
      category: "disk",
      status: "killed",
      message: `${ASTRAL}, lone \ud800 high, lone \udc00 low, \ufffe\uffff`,
    },
    { id: "stack.numeric", category: "stack", status: "pass", message: 42, observed: deep },
    { id: "pids.undefined", category: "pids", status: "pass", message: undefined },
    { id: "pids.object", category: "pids", status: "bogus", message: { why: ["x", 1] } },
    { id: "fd.total", category: "fd", status: "total", message: null, observed: [1, "two"] },
    { id: "fd.proto", category: "__proto__", status: "__proto__", durationMs: Number.NaN },
    {
      id: 7,
      category: 8,
      title: null,
      status: "error",
      message: "multi\nbrink summary\n  ok   fd 1/1",
    },
  ].map((r) => ({ title: "t", expected: "graceful", durationMs: 5, fence, observed: {}, ...r }));

const raw = (results: unknown[]): Report =>
  ({
    version: 1,
    tool: { name: "brink", version: "0" },
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 9,
    engine: { kind: "docker", version: "v\u001b[2J", cgroup: 2 },
    results,
    summary: summarize(results as ProbeResult[]),
    notes: ["note\u001b]0;title\u0007"],
    incomplete: "engine lost\n\u001b[1mfake",
  }) as Report;

const built = (results: unknown[], extra: Partial<Parameters<typeof buildReport>[0]> = {}) =>
  buildReport({
    toolVersion: "0",
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 9,
    engine: { kind: "docker", version: "v", cgroup: 2 },
    results: results as ProbeResult[],
    notes: [],
    ...extra,
  });

/** Both ways a writer gets results: straight from a hand-made report, and through buildReport. */
const reports = (): [string, Report][] => [
  ["raw", raw(hostile())],
  ["built", built(hostile())],
];

// ---------------------------------------------------------------- XML checking

/** Every character XML 1.0 allows (the Char production): a lone surrogate or U+FFFE is not. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

interface XmlCase {
  attrs: Record<string, string>;
  children: { tag: string; attrs: Record<string, string>; text: string | null }[];
}

/** Parses JUnit with Python's XML parser (expat, as CI tools do); throws if it is not well-formed. */
function parseJUnit(xml: string): { suites: Record<string, string>[]; cases: XmlCase[] } {
  const script = `import sys, json, xml.etree.ElementTree as E
r = E.fromstring(sys.stdin.buffer.read())
print(json.dumps({"suites": [s.attrib for s in r.iter("testsuite")],
  "cases": [{"attrs": c.attrib, "children": [{"tag": k.tag, "attrs": k.attrib, "text": k.text} for k in c]} for c in r.iter("testcase")]}))`;
  const p = Bun.spawnSync(["python3", "-c", script], { stdin: Buffer.from(xml, "utf8") });
  if (p.exitCode !== 0) throw new Error(`not well-formed XML: ${p.stderr.toString()}`);
  return JSON.parse(p.stdout.toString());
}

describe("JUnit", () => {
  for (const [how, rep] of reports()) {
    test(`${how}: hostile results give well-formed XML that keeps their text`, () => {
      const xml = toJUnit(rep);
      expect(NOT_XML_CHAR.exec(xml)).toBeNull();
      const { suites, cases } = parseJUnit(xml);
      expect(cases.length).toBe(hostile().length);
      const byName = new Map(cases.map((c) => [c.attrs.name, c]));
      // a newline, a backtick and a pipe in an id survive as they are
      const nl = byName.get("fd.new\nline`tick|pipe");
      expect(nl?.children[0]?.attrs.message).toBe(`<a & "q"> ]]> 'x'`);
      expect(nl?.children[0]?.text).toContain(`<a & "q"> ]]> 'x'`);
      // the forged category is one attribute value, not two attributes
      const forged = byName.get("oom.ansi");
      expect(forged?.attrs.classname).toBe(`brink.${FORGED_CATEGORY}`);
      expect(forged?.attrs.foo).toBeUndefined();
      expect(suites.map((s) => s.name)).toContain(FORGED_CATEGORY);
      // astral characters kept; what XML forbids is written visibly
      const astral = byName.get(`disk.astral ${ASTRAL}`);
      expect(astral?.children[0]?.attrs.message).toBe(
        `${ASTRAL}, lone \\ud800 high, lone \\udc00 low, \\ufffe\\uffff`,
      );
      expect(xml).toContain("\\x1b[31mred\\x1b[0m\\x00nul\\x7fdel\\x9bcsi\\x07bell");
      // unknown statuses are errors, never passes
      for (const id of ["pids.object", "fd.total", "fd.proto"])
        expect(byName.get(id)?.children[0]?.tag).toBe("error");
      expect(byName.get("stack.numeric")?.children).toEqual([]);
      expect(byName.get("7")?.attrs.classname).toBe("brink.8");
      expect(Number(byName.get("fd.proto")?.attrs.time)).toBe(0);
    });
  }

  test("the counts add up, whatever the statuses", () => {
    const { suites } = parseJUnit(toJUnit(raw(hostile())));
    const total = suites.reduce((s, x) => s + Number(x.tests), 0);
    const bad = suites.reduce((s, x) => s + Number(x.failures) + Number(x.errors), 0);
    expect(total).toBe(hostile().length);
    expect(bad).toBe(7); // 2 fail, killed, bogus, total, __proto__, error
  });
});

// ---------------------------------------------------------------- Markdown

/** The rows of the rendered table (GFM, by Bun's own Markdown renderer): the text of each cell. */
function renderedRows(md: string): string[][] {
  const html = Bun.markdown.html(md, { tables: true });
  const body = html.split("<tbody>")[1]?.split("</tbody>")[0] ?? "";
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) =>
    [...(m[1] ?? "").matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1] ?? ""),
  );
}

describe("Markdown", () => {
  for (const [how, rep] of reports()) {
    test(`${how}: one row per result, five cells each, nothing raw`, () => {
      const md = toMarkdown(rep);
      const rows = renderedRows(md);
      expect(rows.length).toBe(hostile().length);
      for (const row of rows) expect(row.length).toBe(5);
      expect(RAW_CONTROL.exec(md)).toBeNull();
      const ids = rows.map((r) => r[1]);
      expect(ids).toContain("<code>fd.new<br>line`tick|pipe</code>");
      expect(ids).toContain("<code>stack.numeric</code>");
      const messages = rows.map((r) => r[4]);
      expect(messages).toContain("&lt;a &amp; &quot;q&quot;&gt; ]]&gt; 'x'");
      expect(messages).toContain("\\x1b[31mred\\x1b[0m\\x00nul\\x7fdel\\x9bcsi\\x07bell");
      expect(messages).toContain("multi<br>brink summary<br>  ok   fd 1/1");
      expect(rows.map((r) => r[2])).toContain(FORGED_CATEGORY.replace(/"/g, "&quot;"));
      expect(rows.map((r) => r[2])).toContain("__proto__");
      expect(md).toContain(ASTRAL);
      // nothing in the table opens an HTML tag but the writer's own
      const tags =
        rows
          .flat()
          .join("")
          .match(/<\/?[a-z][^>]*>/g) ?? [];
      expect(new Set(tags)).toEqual(new Set(["<br>", "<code>", "</code>"]));
    });
  }

  test("failures first, then by category", () => {
    const rows = renderedRows(toMarkdown(built(hostile())));
    const status = rows.map((r) => r[0]?.split(" ")[1]);
    const firstPass = status.indexOf("pass");
    expect(firstPass).toBeGreaterThan(0);
    expect(status.slice(firstPass).every((s) => s === "pass" || s === "skip")).toBe(true);
    expect(status.slice(0, firstPass).every((s) => s !== "pass" && s !== "skip")).toBe(true);
    const order = ["oom", "disk", "stack", "fd", "pids"];
    const rank = (r: string[]) => {
      const i = order.indexOf(r[2] ?? "");
      return i < 0 ? order.length : i;
    };
    const bad = rows.slice(0, firstPass).map(rank);
    expect(bad).toEqual([...bad].sort((a, b) => a - b));
    expect(rows[0]?.[2]).toBe("disk");
  });
});

// ---------------------------------------------------------------- terminal

/** The colour sequences picocolors writes: the only ESC a coloured summary may hold. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const SGR = /\u001b\[\d+m/g;

describe("terminal", () => {
  test("cleanTerminalText escapes every control character visibly and keeps astral text", () => {
    expect(cleanTerminalText(ESC_MSG)).toBe(
      "\\x1b[31mred\\x1b[0m\\x00nul\\x7fdel\\x9bcsi\\x07bell",
    );
    expect(cleanTerminalText(`a\nb\r\tc ${ASTRAL} \ud800 \u202e`)).toBe(
      `a\\nb\\r\\tc ${ASTRAL} \\ud800 \\u202e`,
    );
    for (const v of [undefined, null, 42, { a: [1] }, Symbol("s"), () => 1, Object.create(null)])
      expect(typeof cleanTerminalText(v)).toBe("string");
    expect(cleanTerminalText(undefined)).toBe("");
    expect(cleanTerminalText(42)).toBe("42");
    expect(cleanTerminalLines("one\n\u001b[2Jtwo\n", "    ")).toBe("one\n    \\x1b[2Jtwo");
  });

  for (const [how, rep] of reports()) {
    for (const color of [false, true]) {
      test(`${how}, colour ${color}: the summary and result lines hold no raw control character`, () => {
        const c = palette(color);
        const text = [summaryText(rep, c), ...rep.results.map((r) => resultLine(r, c, 1))].join(
          "\n",
        );
        expect(RAW_CONTROL.exec(text.replace(SGR, ""))).toBeNull();
        const plain = text.replace(SGR, "");
        expect(plain).toContain("\\x1b[31mred");
        expect(plain).toContain(ASTRAL);
        expect(plain).toContain("\\ud800");
        // a message's own lines stay indented under it: none can pass for brink's lines
        const lines = plain.split("\n");
        expect(lines.filter((l) => l === "brink summary").length).toBe(1);
        expect(lines.filter((l) => l.startsWith("  ok   fd")).length).toBe(0);
        expect(lines).toContain("              brink summary");
      });
    }
  }

  test("an unknown status counts as error in the summary and never shows as pass", () => {
    const plain = summaryText(built(hostile()), palette(false));
    expect(plain).toContain('error  pids.object: status "bogus" is not one brink knows');
    const line = resultLine(hostile()[7] as unknown as ProbeResult, palette(false), 1);
    expect(line).toContain("error  fd.proto");
  });
});

// ---------------------------------------------------------------- counting and not-run probes

describe("report", () => {
  test("statuses brink does not know count as error and fail the run", () => {
    const ok = { ...(hostile()[4] as unknown as ProbeResult) };
    for (const status of ["ok", "PASS", "total", "__proto__", "", undefined]) {
      const r = { ...ok, status } as unknown as ProbeResult;
      expect(exitCodeOf([r])).toBe(1);
      expect(summarize([r])).toEqual({ total: 1, pass: 0, fail: 0, error: 1, skip: 0, killed: 0 });
    }
    expect(exitCodeOf([ok, { ...ok, status: "skip" }])).toBe(0);
    const rep = built(hostile());
    expect(rep.summary).toEqual({ total: 9, pass: 2, fail: 2, error: 4, skip: 0, killed: 1 });
    expect(exitCodeOf(rep.results)).toBe(1);
  });

  test("a numeric or missing message passes, and the JSON is safe to write", () => {
    const rep = built(hostile().slice(3, 5));
    expect(exitCodeOf(rep.results)).toBe(0);
    expect(rep.results.map((r) => r.message)).toEqual(["42", ""]);
    const cyclic: Record<string, unknown> = { n: 10n };
    cyclic.self = cyclic;
    const r2 = built([{ ...hostile()[4], observed: cyclic }]);
    expect(JSON.parse(JSON.stringify(r2)).results[0].observed).toEqual({
      n: "10",
      self: "[circular]",
    });
    expect(JSON.stringify(rep)).toContain("[too deep]");
  });

  test("every planned probe appears: the ones with no result are errors, not run", () => {
    const planned = ["fd.a", "fd.b", "oom.c"].map((id) => ({
      id,
      category: id.split(".")[0] as "fd" | "oom",
      title: `title of ${id}`,
      expected: "graceful" as const,
      timeoutMs: 1000,
    }));
    const got = {
      ...(hostile()[4] as unknown as ProbeResult),
      id: "fd.a",
      category: "fd" as const,
    };
    const rep = built([got], {
      incomplete: "the engine was lost",
      notRun: {
        probes: [...planned, planned[1] as (typeof planned)[number]],
        why: "the engine was lost",
      },
    });
    expect(rep.results.map((r) => [r.id, r.status, r.message])).toEqual([
      ["fd.a", "pass", ""],
      ["fd.b", "error", "not run: the engine was lost"],
      ["oom.c", "error", "not run: the engine was lost"],
    ]);
    expect(rep.results[1]?.observed).toEqual({ notRun: true });
    expect(rep.results[2]?.title).toBe("title of oom.c");
    expect(rep.summary).toMatchObject({ total: 3, pass: 1, error: 2 });
    expect(exitCodeOf(rep.results)).toBe(1);
    expect(parseJUnit(toJUnit(rep)).cases.map((c) => c.children[0]?.tag ?? "pass")).toEqual([
      "pass",
      "error",
      "error",
    ]);
    expect(toMarkdown(rep)).toContain(
      "| ⚠️ error | `fd.b` | fd | 0 ms | not run: the engine was lost |",
    );
    expect(summaryText(rep, palette(false))).toContain(
      "error  1 probe not run: the engine was lost: fd.b",
    );
    expect(summaryText(rep, palette(false))).toContain("1 passed, 0 failed, 2 errors (2 not run)");
  });

  test("writeReports writes all three for hostile results", () => {
    const dir = mkdtempSync(join(tmpdir(), "brink-escape-"));
    try {
      const out = {
        json: join(dir, "r.json"),
        junit: join(dir, "r.xml"),
        markdown: join(dir, "r.md"),
      };
      writeReports(raw(hostile()), out, {});
      expect(JSON.parse(readFileSync(out.json, "utf8")).results.length).toBe(hostile().length);
      expect(parseJUnit(readFileSync(out.junit, "utf8")).cases.length).toBe(hostile().length);
      expect(readFileSync(out.markdown, "utf8")).toContain("| status |");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------- sweep

const CALL =
  'write(5</scratch/data.json>, "{\\"version\\":2,\\"items\\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}", 4096) = -1 ENOSPC (No space left on device) (INJECTED)';
const row = (n: number, over: Partial<SweepRow> = {}): SweepRow => ({
  fault: "write:ENOSPC",
  n,
  outcome: "crashed",
  exitCode: null,
  signal: "SIGABRT",
  injected: { syscall: "write", call: CALL },
  check: { exitCode: 1, output: "bad\u001b[31m" },
  stderr: "panic \u0000 😀",
  durationMs: 3,
  ...over,
});

describe("sweep", () => {
  test("a long call is cut in its arguments, never in its errno", () => {
    for (const width of [30, 60, 90, 120]) {
      const s = shortCall(CALL, width);
      expect(Array.from(s).length).toBeLessThanOrEqual(Math.max(width, 36));
      expect(s).toMatch(/\) = -1 ENOSPC( \(No space left on device\))? \(INJECTED\)$/);
      expect(s.startsWith(width < 60 ? "write(5<" : "write(5</scratch/data.json>, ")).toBe(true);
    }
    expect(shortCall(CALL, 500)).toBe(CALL);
    expect(shortCall("no result here ".repeat(10), 20)).toBe("no result here no r…");
  });

  test("table lines and JUnit escape what came from the container", () => {
    const rows = [
      row(1, {
        injected: {
          syscall: "write",
          call: `write(1, "\u001b[2J\u0000", 2) = -1 ENOSPC (INJECTED)`,
        },
      }),
      row(2, { signal: "SIG\u001bX", outcome: "handled" }),
      row(3, {
        fault: "write:ENOSPC",
        injected: null,
        outcome: "reported",
        signal: null,
        exitCode: 1,
      }),
    ];
    const rep = buildSweepReport({
      command: ["bun", "x.ts"],
      faults: ["write:ENOSPC"],
      startedAt: "t",
      durationMs: 1,
      results: rows,
      calls: { "write:ENOSPC": 3 },
      incomplete: "interrupted\u001b[0m",
    });
    const table = sweepTable(rep);
    expect(RAW_CONTROL.exec(table.replace(/\n/g, ""))).toBeNull();
    expect(table).toContain('write(1, "\\x1b[2J\\x00", 2) = -1 ENOSPC (INJECTED)');
    expect(table).toContain("SIG\\x1bX");
    expect(sweepRowLine(row(4))).toContain("= -1 ENOSPC (No space left on device) (INJECTED)");
    const xml = sweepJUnit(rep);
    expect(NOT_XML_CHAR.exec(xml)).toBeNull();
    const { cases } = parseJUnit(xml);
    expect(cases.length).toBe(3);
    expect(cases[0]?.children[0]?.text).toContain("😀");
  });
});
