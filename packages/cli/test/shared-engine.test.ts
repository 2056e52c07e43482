import { expect } from "bun:test";
import { hostname } from "node:os";
import { join } from "node:path";
import { ensureImage } from "../src/engine/build-image.ts";
import { processStartMs } from "../src/engine/process-start.ts";
import { brink, docker, engineTest, leftovers, MAIN, ROOT, testDir, testRunId } from "./engine.ts";

const tmp = testDir("brink-shared-test-");
const HOUR = 3600_000;

/** Polls `ok` every 100 ms for up to `ms`. */
async function until(ok: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await Bun.sleep(100);
  }
}

engineTest(
  "a shared engine: engine tests, clean and the reaper touch only runs that are over; an unrelated long run completes",
  async () => {
    if (!docker) throw new Error("no engine");
    const engine = docker;
    // The unrelated work: a run of about 15 s under its own run id.
    const longRun = testRunId("long");
    const json = join(tmp, "long.json");
    const long = Bun.spawn(
      ["bun", MAIN, "run", "--suite", "packages/cli/test/fixtures/suites/long.ts", "--json", json],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1", BRINK_RUN_ID: longRun },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const longOutput = Promise.all([
      new Response(long.stdout).text(),
      new Response(long.stderr).text(),
    ]);
    // Its probes' container, not the short one that lists its suite first.
    const longContainers = () =>
      engine.listContainers({
        all: true,
        filters: { label: [`dev.brink.run=${longRun}`, "dev.brink.category=fd"] },
      });
    await until(async () => (await longContainers()).length > 0);
    const longIds = (await longContainers()).map((c) => c.Id.slice(0, 12));

    // What runs left behind, made by hand: owners that are gone, and owners still alive.
    const { tag: image } = await ensureImage(engine, { runId: testRunId("image") });
    const myStart = processStartMs(process.pid) as number;
    const owner = (pid: number, host: string, startedMs: number) => ({
      "dev.brink": "1",
      "dev.brink.run": testRunId("fake"),
      "dev.brink.pid": String(pid),
      "dev.brink.host": host,
      "dev.brink.started": new Date(startedMs).toISOString(),
    });
    const make = async (labels: Record<string, string>) =>
      (await engine.createContainer({ Image: image, Cmd: ["-e", "0"], Labels: labels })).id.slice(
        0,
        12,
      );
    const dead = {
      gone: await make(owner(2 ** 30, hostname(), Date.now() - 60_000)),
      reused: await make(owner(process.pid, hostname(), myStart - HOUR)),
      foreignOld: await make(owner(1, "elsewhere", Date.now() - 48 * HOUR)),
    };
    const alive = {
      mine: await make(owner(process.pid, hostname(), myStart)),
      foreignNew: await make(owner(1, "elsewhere", Date.now() - HOUR)),
    };
    const exists = async (id: string) =>
      engine
        .getContainer(id)
        .inspect()
        .then(
          () => true,
          () => false,
        );
    try {
      const dry = await brink(["clean", "--dry-run"]);
      expect(dry.code).toBe(0);
      for (const id of Object.values(dead))
        expect(dry.stdout).toContain(`would remove container ${id}`);
      for (const id of [...Object.values(alive), ...longIds])
        expect(dry.stdout).toContain(`would keep   container ${id}`);
      const all = await brink(["clean", "--all", "--dry-run"]);
      for (const id of longIds) expect(all.stdout).toContain(`would remove container ${id}`);
      expect(all.stdout).toMatch(/would remove image .*brink-probe:/);
      for (const id of [...Object.values(dead), ...Object.values(alive)])
        expect(await exists(id)).toBe(true);

      // brink's own engine tests, alongside: a `brink run` test file in its own process.
      const tests = Bun.spawn(
        ["bun", "test", "--timeout", "120000", "packages/cli/test/run.test.ts", "-t", "user suite"],
        {
          cwd: ROOT,
          env: { ...process.env, BRINK_REQUIRE_ENGINE: "1" },
          stdout: "pipe",
          stderr: "pipe",
        },
      );
      const testOutput = await new Response(tests.stderr).text();
      expect({ code: await tests.exited, testOutput }).toMatchObject({ code: 0 });
      expect(testOutput).toContain("1 pass");

      const cleaned = await brink(["clean"]);
      expect(cleaned.code).toBe(0);
      expect(cleaned.stdout).toMatch(
        /removed \d+ container\(s\) and \d+ image\(s\) labelled dev\.brink=1 of runs no longer alive/,
      );
      for (const id of Object.values(dead)) expect(await exists(id)).toBe(false);
      for (const id of Object.values(alive)) expect(await exists(id)).toBe(true);
      expect(long.exitCode).toBeNull();
      expect(await leftovers(longRun)).toBeGreaterThan(0);

      // The reaper: what a dead run left goes with the next command, nobody runs clean.
      const orphan = await make(owner(2 ** 30, hostname(), Date.now() - 60_000));
      const next = await brink(["exec", "--", "bun", "-e", "0"], { run: testRunId("reaper") });
      expect(next.code).toBe(0);
      await until(async () => !(await exists(orphan)), 10_000);

      // The long run was never disturbed.
      const code = await long.exited;
      const [stdout, stderr] = await longOutput;
      expect({ code, stdout, stderr }).toMatchObject({ code: 0 });
      const report = JSON.parse(await Bun.file(json).text());
      expect(report.summary).toMatchObject({ total: 3, pass: 3 });
      expect(report.incomplete).toBeUndefined();
      expect(await leftovers(longRun)).toBe(0);
    } finally {
      long.kill();
      for (const id of [...Object.values(dead), ...Object.values(alive)])
        await engine
          .getContainer(id)
          .remove({ force: true })
          .catch(() => {});
    }
  },
  120_000,
);
