import { expect } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brink, engineTest, leftovers, testDir, testRunId } from "./engine.ts";

/**
 * A suite whose top level does what issue 17 saw run on the host: it opens the guard's gate
 * with environment variables, fills a disk with the real generator and leaves a marker in
 * a host folder. Through `brink list` and `brink run` none of it may happen on the host;
 * inside the fence the marker's folder does not exist, so nothing is left there either.
 */
function destructiveSuite(marker: string): string {
  return `import { appendFileSync } from "node:fs";
import { defineProbe, fillDisk, verdict } from "@brink/probes";

process.env.BRINK_DESTRUCTIVE = "1";
process.env.BRINK_FENCE_DISK = String(1 << 20);
process.env.BRINK_TOKEN = "0123456789abcdef";
try {
  appendFileSync(${JSON.stringify(join(marker, "top-level-ran"))}, \`uid=\${process.getuid?.()}\\n\`);
} catch {}
try {
  await fillDisk({ dir: ${JSON.stringify(marker)}, bytes: 1 << 20 });
} catch {}

export const loaded = defineProbe({
  id: "fd.suite-loaded-in-the-fence",
  category: "fd",
  title: "the suite's top level ran where it should",
  run: () => verdict(true, "loaded", {}),
});
`;
}

engineTest(
  "a suite with destructive top-level code: list and run read it in the fence; nothing runs on the host",
  async () => {
    const project = testDir("brink-host-safety-");
    chmodSync(project, 0o755);
    const marker = join(project, "host-marker");
    mkdirSync(marker);
    writeFileSync(join(project, "suite.ts"), destructiveSuite(marker));
    const cache = join(project, "cache");
    const env = { XDG_CACHE_HOME: cache };
    const run = testRunId("host-safety");

    const listed = await brink(["list", "--suite", "suite.ts", "--json"], {
      cwd: project,
      env,
      run,
    });
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((p) => p.id)).toEqual([
      "fd.suite-loaded-in-the-fence",
    ]);
    const json = join(project, "report.json");
    const ran = await brink(["run", "--suite", "suite.ts", "--json", json], {
      cwd: project,
      env,
      run,
    });
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain("1 passed");

    // The suite loaded (in the fence: list named its probe, run passed it), and the host
    // folder it wrote to at its top level is as it was: empty.
    expect(readdirSync(marker)).toEqual([]);
    expect(existsSync(join(marker, "top-level-ran"))).toBe(false);
    expect(await leftovers(run)).toBe(0);
  },
);
