import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  brink,
  engineTest,
  leftovers,
  MAIN,
  ROOT,
  SMALL_FENCES,
  testDir,
  testRunId,
} from "./engine.ts";

const P = "packages/cli/test/fixtures/programs";
const tmp = testDir("brink-exec-test-");
const exec = (args: string[], cmd: string[], run?: string) =>
  brink(["exec", "--memory", "96m", "--nofile", "64", "--disk", "20m", ...args, "--", ...cmd], {
    run,
  });
const json = (name: string) => JSON.parse(readFileSync(join(tmp, name), "utf8"));

/** brink's resident memory, from /proc. */
const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) * 1024;

engineTest("exec: EMFILE handled exits 0; unhandled exits with its own code 1", async () => {
  const ok = await exec([], ["bun", `${P}/emfile-handled.ts`]);
  expect(ok.stdout).toContain("handled EMFILE");
  expect(ok.code).toBe(0);
  const bad = await exec([], ["bun", `${P}/emfile-unhandled.ts`]);
  expect(bad.stderr).toContain("EMFILE");
  expect(bad.code).toBe(1);
});

engineTest(
  "exec: an in-place save corrupts the file on ENOSPC; temp-and-rename does not",
  async () => {
    const inplace = await exec([], ["bun", `${P}/save-under-enospc.ts`, "inplace"]);
    expect(inplace.stderr).toContain("save failed: ENOSPC");
    expect(inplace.stderr).toContain("file corrupted");
    expect(inplace.code).toBe(3);
    const atomic = await exec([], ["bun", `${P}/save-under-enospc.ts`, "atomic"]);
    expect(atomic.stderr).toContain("save failed: ENOSPC");
    expect(atomic.stdout).toContain("file intact");
    expect(atomic.code).toBe(0);
  },
);

engineTest("exec: an OOM-killed program exits 137 and the JSON says oomKilled", async () => {
  const run = testRunId("exec-oom");
  const r = await exec(["--json", join(tmp, "oom.json")], ["bun", `${P}/oom.ts`], run);
  expect(r.code).toBe(137);
  expect(json("oom.json")).toMatchObject({
    version: 1,
    command: ["bun", `${P}/oom.ts`],
    exitCode: 137,
    oomKilled: true,
    signal: "SIGKILL",
    outcome: "oom-killed",
    interruptedBy: null,
    fence: { memory: 96 * 2 ** 20, nofile: 64, disk: 20 * 2 ** 20 },
  });
  expect(await leftovers(run)).toBe(0);
});

engineTest(
  "exec: the fences hold as asked; /work is read-only, /dev/shm holds 1 MiB, the hostname is brink-<BRINK_TOKEN>; exit 255 is no signal",
  async () => {
    const r = await brink(["exec", ...SMALL_FENCES, "--", "bun", `${P}/fences.ts`]);
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout.trim().split("\n").at(-1) as string);
    expect(f).toMatchObject({
      memory: 96 * 2 ** 20,
      swap: 0,
      pids: 50,
      nofile: { soft: 64, hard: 64 },
      stack: { soft: 2 * 2 ** 20, hard: 2 * 2 ** 20 },
    });
    expect(f.disk.total).toBe(20 * 2 ** 20);
    const id = await brink([
      "exec",
      "--json",
      join(tmp, "id.json"),
      "--",
      "bun",
      `${P}/identity.ts`,
    ]);
    expect(id.code).toBe(255);
    const seen = JSON.parse(id.stdout.trim());
    expect(seen.token).toMatch(/^[0-9a-f]{16,}$/);
    expect(seen.hostname).toBe(`brink-${seen.token}`);
    expect(seen).toMatchObject({ work: "EROFS", shmSmall: "written", shmBig: "ENOSPC" });
    expect(json("id.json")).toMatchObject({
      exitCode: 255,
      signal: null,
      outcome: "exited",
      interruptedBy: null,
    });
  },
);

engineTest("exec --timeout: the command is ended, exit 124, outcome hung", async () => {
  const run = testRunId("exec-timeout");
  const t0 = performance.now();
  const r = await brink(
    ["exec", "--timeout", "1s", "--json", join(tmp, "hung.json"), "--", "sleep", "60"],
    { run },
  );
  expect(r.code).toBe(124);
  expect(performance.now() - t0).toBeLessThan(20_000);
  expect(json("hung.json")).toMatchObject({ outcome: "hung", interruptedBy: "timeout" });
  expect(await leftovers(run)).toBe(0);
});

engineTest(
  "exec | head -2: brink ends the command and exits 141 at once, no EPIPE trace, no container left",
  async () => {
    const run = testRunId("exec-head");
    const t0 = performance.now();
    const p = Bun.spawn(
      [
        "bash",
        "-c",
        `bun ${MAIN} exec -- bun -e 'setInterval(()=>console.log(1),10)' | head -2; echo "brink exited \${PIPESTATUS[0]}" >&2`,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1", BRINK_RUN_ID: run },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const [out, err] = await Promise.all([
      new Response(p.stdout).text(),
      new Response(p.stderr).text(),
      p.exited,
    ]);
    expect(out).toBe("1\n1\n");
    expect(err).toContain("brink exited 141");
    expect(err).not.toContain("EPIPE");
    expect(err).not.toMatch(/\n\s+at /);
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(await leftovers(run)).toBe(0);
  },
);

engineTest("exec: 50 MiB read slowly arrives whole and in order", async () => {
  const p = Bun.spawn(["bun", MAIN, "exec", "--", "bun", `${P}/flood.ts`, "50"], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const stderr = new Response(p.stderr).text();
  const hash = new Bun.CryptoHasher("sha256");
  let bytes = 0;
  for await (const chunk of p.stdout) {
    hash.update(chunk);
    bytes += chunk.length;
    // A slow reader: the whole read takes several seconds, well past the container's exit.
    await Bun.sleep(chunk.length >= 65536 ? 6 : 1);
  }
  expect(await p.exited).toBe(0);
  expect(bytes).toBe(50 * 2 ** 20);
  expect(await stderr).toContain(`sha256 ${hash.digest("hex")}`);
});

engineTest(
  "exec: a 1.5 GiB flood into a reader that stalls keeps brink small; SIGINT then ends it: 130, interruptedBy SIGINT",
  async () => {
    const run = testRunId("exec-flood");
    const file = join(tmp, "flood.json");
    const p = Bun.spawn(
      [
        "bun",
        MAIN,
        "exec",
        "--memory",
        "256m",
        "--json",
        file,
        "--",
        "bun",
        `${P}/flood.ts`,
        "1536",
      ],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1", BRINK_RUN_ID: run },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    // Nobody reads stdout: the container fills the pipe, then waits. brink must wait with it.
    const end = Date.now() + 30_000;
    while ((await leftovers(run)) === 0 && Date.now() < end) await Bun.sleep(100);
    await Bun.sleep(4000);
    const rss = rssOf(p.pid);
    expect(rss).toBeLessThan(400 * 2 ** 20);
    p.kill("SIGINT");
    const [code, out] = await Promise.all([p.exited, new Response(p.stdout).arrayBuffer()]);
    expect(code).toBe(130);
    expect(out.byteLength).toBeLessThan(1536 * 2 ** 20);
    expect(json("flood.json")).toMatchObject({ outcome: "interrupted", interruptedBy: "SIGINT" });
    expect(await leftovers(run)).toBe(0);
  },
);

engineTest("ensureFenced(): refuses on the host, proceeds in the fenced container", async () => {
  const host = Bun.spawnSync(["bun", `${P}/needs-fence.ts`], {
    env: { ...process.env, BRINK_DESTRUCTIVE: "1" },
    cwd: ROOT,
  });
  expect(host.exitCode).toBe(1);
  expect(host.stderr.toString()).toContain("refused: refusing destructive work");
  const fenced = await brink(["exec", "--", "bun", `${P}/needs-fence.ts`]);
  expect(fenced.stdout).toContain("fenced: memory 134217728, nofile 256");
  expect(fenced.code).toBe(0);
});
