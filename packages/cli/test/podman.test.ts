// brink on Podman's Docker-compatible socket, whenever one answers (scripts/engine.sh
// --podman brings it up; .ci/run does): doctor, one category, exec and one sweep.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connectEngine } from "../src/engine/connect.ts";
import { brink, testDir } from "./engine.ts";

const root = process.getuid?.() === 0;
const sockets = [
  process.env.BRINK_PODMAN_HOST,
  root ? "unix:///run/podman/podman.sock" : undefined,
  process.env.XDG_RUNTIME_DIR
    ? `unix://${process.env.XDG_RUNTIME_DIR}/podman/podman.sock`
    : undefined,
].filter((s): s is string => !!s);

/** The first socket where Podman (not Docker) answers. */
async function findPodman(): Promise<string | null> {
  for (const host of sockets) {
    const found = await connectEngine({ DOCKER_HOST: host }, 3000).catch(() => null);
    if (!found) continue;
    const v = (await found.docker.version()) as { Components?: { Name: string }[] };
    if (v.Components?.some((c) => /podman/i.test(c.Name))) return host;
  }
  return null;
}

const podman = await findPodman();
const tmp = testDir("brink-podman-");
const env = podman ? { DOCKER_HOST: podman } : {};

/** Output for a failed expectation's message. */
const said = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`.slice(-2000);

const podmanTest = podman
  ? (name: string, fn: () => Promise<void>) => test(name, fn, 180_000)
  : (name: string) =>
      test.skip(`${name} (no Podman socket answers: scripts/engine.sh --podman)`, () => {});

podmanTest("Podman: doctor proves every fence", async () => {
  const r = await brink(["doctor", "--json"], { env });
  expect(r.code, said(r)).toBe(0);
  const doc = JSON.parse(r.stdout) as { ok: boolean; fences: { fence: string; ok: boolean }[] };
  expect(doc.fences.map((f) => f.fence)).toEqual([
    "memory",
    "disk",
    "stack",
    "nofile",
    "pids",
    "cpus",
  ]);
  expect(doc.fences.every((f) => f.ok)).toBe(true);
});

podmanTest("Podman: brink run --category fd passes with the fence read inside", async () => {
  const json = join(tmp, "fd.json");
  const r = await brink(["run", "--category", "fd", "--nofile", "64", "--json", json], { env });
  expect(r.code, said(r)).toBe(0);
  const report = JSON.parse(readFileSync(json, "utf8"));
  expect(report.summary.fail + report.summary.error + report.summary.killed).toBe(0);
  expect(report.results.length).toBeGreaterThan(3);
  expect(report.results.every((x: { fence: { nofile: number } }) => x.fence.nofile === 64)).toBe(
    true,
  );
});

podmanTest("Podman: brink exec runs a command in the fence, as a non-root user", async () => {
  const r = await brink(
    [
      "exec",
      "--pids",
      "50",
      "--",
      "bun",
      "-e",
      "console.log(process.getuid(), require('node:fs').existsSync('package.json'))",
    ],
    { env },
  );
  expect(r.code, said(r)).toBe(0);
  const [uid, sees] = r.stdout.trim().split(" ");
  expect(Number(uid)).not.toBe(0);
  expect(sees).toBe("true");
});

podmanTest("Podman: brink sweep runs a program with write faults injected", async () => {
  const json = join(tmp, "sweep.json");
  const EX = "examples/sweep";
  const r = await brink(
    [
      "sweep",
      "--fault",
      "write:ENOSPC",
      "--path",
      "/scratch/data.json",
      "--path",
      "/scratch/data.json.tmp",
      "--check",
      `bun ${EX}/check-json.ts`,
      "--max",
      "2",
      "--json",
      json,
      "--",
      "bun",
      `${EX}/save-atomic.ts`,
    ],
    { env },
  );
  expect(r.code, said(r)).toBe(0);
  const report = JSON.parse(readFileSync(json, "utf8"));
  expect(report.results.map((x: { outcome: string }) => x.outcome)).toEqual([
    "reported",
    "reported",
  ]);
});
