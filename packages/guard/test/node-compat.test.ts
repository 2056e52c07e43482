import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureRoot } from "./fixtures.ts";

const SRC = join(import.meta.dir, "../src");
const node = Bun.which("node");

describe("@brink/guard is plain node: code (a Node program may use it)", () => {
  test("its sources import only node: modules and each other, and use no Bun API", () => {
    for (const file of readdirSync(SRC)) {
      const text = readFileSync(join(SRC, file), "utf8");
      for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
        expect(`${file}: ${spec}`).toMatch(/: (node:[a-z/]+|\.\/[a-z-]+\.ts)$/);
      }
      expect(
        `${file}: ${/\bBun\.[a-z]|import\.meta\.(dir|main|file)\b/.exec(text)?.[0] ?? ""}`,
      ).toBe(`${file}: `);
    }
  });

  const run = node ? test : test.skip;
  run(`runs under Node (${node ?? "node is not on PATH"})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "guard-node-"));
    try {
      const built = await Bun.build({
        entrypoints: [join(SRC, "index.ts")],
        target: "node",
        format: "esm",
        outdir: dir,
      });
      expect(built.success).toBe(true);
      const root = fixtureRoot("docker-v2");
      const main = join(dir, "main.mjs");
      writeFileSync(
        main,
        `import { ensureFenced } from "./index.js";
const env = { BRINK_DESTRUCTIVE: "1", BRINK_TOKEN: "b7d9f1a3c5e2d4f6" };
const { fences } = ensureFenced({ memory: 128 * 2 ** 20 }, { root: ${JSON.stringify(root)}, env });
let refused = "none";
try { ensureFenced({}, { root: ${JSON.stringify(root)}, env: { BRINK_DESTRUCTIVE: "1" } }); } catch (e) { refused = e.code; }
console.log(JSON.stringify({ memory: fences.memory, refused }));`,
      );
      const p = Bun.spawnSync([node!, main]);
      expect(p.stderr.toString()).toBe("");
      expect(JSON.parse(p.stdout.toString())).toEqual({
        memory: 128 * 2 ** 20,
        refused: "NOT_BRINK",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
