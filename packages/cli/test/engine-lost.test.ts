import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  brink,
  engineAddress,
  engineTest,
  leftovers,
  MAIN,
  ROOT,
  testDir,
  testRunId,
} from "./engine.ts";
import { relay } from "./relay.ts";

const tmp = testDir("brink-lost-test-");

engineTest(
  "the engine goes away mid-run: exit 3, every planned probe reported, its leftovers reaped later",
  async () => {
    if (!engineAddress?.startsWith("/"))
      throw new Error(`this test relays a local socket; the engine is at ${engineAddress}`);
    const sock = join(tmp, "engine.sock");
    const proxy = relay(sock, engineAddress);
    await proxy.listening;
    const json = join(tmp, "lost.json");
    const run = testRunId("lost");
    const p = Bun.spawn(["bun", MAIN, "run", "--json", json], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", DOCKER_HOST: `unix://${sock}`, BRINK_RUN_ID: run },
      stdout: "pipe",
      stderr: "pipe",
    });
    const reader = p.stderr.getReader();
    let seen = "";
    while (!/pass .*\n(.|\n)*pass /.test(seen)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    proxy.stop();
    const rest = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += new TextDecoder().decode(value);
      }
    })();
    const code = await p.exited;
    await rest;
    expect(code).toBe(3);
    expect(seen).toContain("lost the engine");
    expect(seen).not.toMatch(/\n\s+at /);
    const report = JSON.parse(readFileSync(json, "utf8"));
    expect(report.incomplete).toContain("lost the engine");
    // Every planned probe is in the report: those that never ran say so.
    const listed = JSON.parse((await brink(["list", "--json"])).stdout) as unknown[];
    expect(report.results.length).toBe(listed.length);
    expect(
      report.results.filter((x: { status: string }) => x.status === "pass").length,
    ).toBeGreaterThanOrEqual(2);
    const notRun = report.results.filter((x: { message: string }) =>
      x.message.startsWith("not run: "),
    );
    expect(notRun.length).toBeGreaterThan(0);
    // What the lost engine still holds (a create already sent may land a moment later)
    // belongs to a run that is over: the next brink command's reaper removes it, without
    // anyone running `brink clean`.
    for (let i = 0; i < 5 && (await leftovers(run)) > 0; i++) {
      expect(
        (await brink(["exec", "--", "bun", "-e", "0"], { run: testRunId("reaper") })).code,
      ).toBe(0);
      await Bun.sleep(500);
    }
    expect(await leftovers(run)).toBe(0);
  },
  120_000,
);
