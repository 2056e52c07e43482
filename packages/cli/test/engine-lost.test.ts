import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brink, engineAddress, engineTest, leftovers, MAIN, ROOT, testDir } from "./engine.ts";
import { relay } from "./relay.ts";

const tmp = testDir("brink-lost-test-");

engineTest(
  "the engine goes away mid-run: exit 3, the results so far kept",
  async () => {
    if (!engineAddress?.startsWith("/"))
      throw new Error(`this test relays a local socket; the engine is at ${engineAddress}`);
    const sock = join(tmp, "engine.sock");
    const proxy = relay(sock, engineAddress);
    await proxy.listening;
    const json = join(tmp, "lost.json");
    const p = Bun.spawn(["bun", MAIN, "run", "--json", json], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", DOCKER_HOST: `unix://${sock}` },
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
    expect(report.results.length).toBeGreaterThanOrEqual(2);
    expect(report.incomplete).toContain("lost the engine");
    // What the lost engine still holds (a create already sent may land a moment later) is
    // what `brink clean` is for.
    for (let i = 0; i < 20; i++) {
      expect((await brink(["clean"])).code).toBe(0);
      await Bun.sleep(250);
      if ((await leftovers()) === 0) break;
    }
    expect(await leftovers()).toBe(0);
  },
  120_000,
);
