import { afterAll, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { connectEngine } from "../src/engine/connect.ts";

/** The repository root and the brink entry point, for spawning the real CLI. */
export const ROOT = resolve(import.meta.dir, "../../..");
export const MAIN = join(ROOT, "packages/cli/src/main.ts");

let reason = "";
const endpoint = await connectEngine(process.env, 3000).catch((e: Error) => {
  reason = e.message;
  return null;
});
/** The engine, or null where none answers. */
export const docker = endpoint?.docker ?? null;
/** Where it answered (a socket path, or DOCKER_HOST). */
export const engineAddress = endpoint?.address ?? null;
const required = process.env.BRINK_REQUIRE_ENGINE === "1" || process.env.CI === "true";

/**
 * A test that needs the real engine. Without one it is skipped on a developer's machine,
 * but fails (saying why) where BRINK_REQUIRE_ENGINE=1 or CI=true: it never skips silently in CI.
 */
export function engineTest(
  name: string,
  fn: () => Promise<unknown> | unknown,
  timeoutMs = 120_000,
): void {
  if (docker) test(name, fn as () => Promise<void>, timeoutMs);
  else if (required) {
    test(name, () => {
      throw new Error(
        `this test needs a Docker engine and none answers: ${reason}. Run scripts/engine.sh.`,
      );
    });
  } else test.skip(`${name} (no engine: ${reason})`, () => {});
}

/** Fences smaller than the defaults, to show that what is asked is what holds inside. */
export const SMALL_FENCES = [
  "--memory",
  "96m",
  "--nofile",
  "64",
  "--stack",
  "2m",
  "--pids",
  "50",
  "--disk",
  "20m",
];

let runs = 0;

/**
 * A fresh run id for one test: passed to brink as BRINK_RUN_ID, it labels every container
 * and image the test's brink commands make, so `leftovers(id)` counts that test's alone and
 * other work on the same engine never disturbs (or is disturbed by) the test.
 *
 * @example
 * const run = testRunId("exec-oom");
 * await brink(["exec", "--", "bun", "oom.ts"], { run });
 * expect(await leftovers(run)).toBe(0);
 */
export function testRunId(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 30);
  return `test-${slug}-${process.pid}-${++runs}`;
}

/** Runs the real brink CLI and collects its exit code and output; `run` sets BRINK_RUN_ID. */
export async function brink(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; run?: string } = {},
) {
  const p = Bun.spawn(["bun", MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: {
      ...process.env,
      NO_COLOR: "1",
      ...(options.run ? { BRINK_RUN_ID: options.run } : {}),
      ...options.env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr };
}

/** A temporary folder for a test file's reports, removed after its tests. */
export function testDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Containers of run `runId` (see testRunId) still on the engine, whatever their state. */
export async function leftovers(runId: string): Promise<number> {
  if (!docker) return 0;
  const label = [`dev.brink.run=${runId}`];
  return (await docker.listContainers({ all: true, filters: { label } })).length;
}

/** Reads a child's stream until `done(text)` holds or the stream ends; returns what it read and a reader of the rest. */
export async function readUntil(
  stream: ReadableStream<Uint8Array>,
  done: (text: string) => boolean,
): Promise<{ text: string; rest: () => Promise<string> }> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let text = "";
  while (!done(text)) {
    const { value, done: end } = await reader.read();
    if (end) break;
    text += dec.decode(value, { stream: true });
  }
  const seen = text;
  return {
    text: seen,
    rest: async () => {
      let more = "";
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) return seen + more;
        more += dec.decode(value, { stream: true });
      }
    },
  };
}
