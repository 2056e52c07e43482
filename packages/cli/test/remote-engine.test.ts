import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  brink,
  docker,
  engineAddress,
  engineTest,
  leftovers,
  testDir,
  testRunId,
} from "./engine.ts";
import { relay } from "./relay.ts";

const tmp = testDir("brink-remote-test-");

engineTest(
  "a remote engine (DOCKER_HOST=tcp://...) gets the project copied, not mounted",
  async () => {
    if (!docker || !engineAddress?.startsWith("/"))
      throw new Error(`this test relays a local socket; the engine is at ${engineAddress}`);
    const proxy = relay({ port: 0 }, engineAddress);
    const port = await proxy.listening;
    try {
      const env = { DOCKER_HOST: `tcp://127.0.0.1:${port}` };
      const id = testRunId("remote");
      // Small projects, so the copies are quick.
      const programs = "packages/cli/test/fixtures/programs";
      const exec = await brink(["exec", "--project", programs, "--", "bun", "fences.ts"], {
        env,
        run: id,
      });
      expect(exec.code).toBe(0);
      expect(exec.stderr).toContain("the engine is remote: copying");
      expect(JSON.parse(exec.stdout.trim()).nofile.soft).toBe(256);
      const json = join(tmp, "remote.json");
      const run = await brink(
        ["run", "--project", "examples", "--suite", "examples/suite.ts", "--json", json],
        { env, run: id },
      );
      expect(run.code).toBe(0);
      expect(JSON.parse(readFileSync(json, "utf8")).summary).toMatchObject({ total: 2, pass: 2 });
      const left = await docker.listImages({ filters: { label: [`dev.brink.run=${id}`] } });
      expect(left).toEqual([]);
      expect(await leftovers(id)).toBe(0);
    } finally {
      proxy.stop();
    }
  },
  180_000,
);
