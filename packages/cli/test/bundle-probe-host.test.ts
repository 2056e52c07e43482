import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROBE_HOST_BUNDLE } from "@brink/probes/host";
import { writeContext } from "../src/engine/build-image.ts";
import { bundleProbeHost } from "../src/engine/bundle-probe-host.ts";
import { collectImageInputs } from "../src/engine/image-inputs.ts";

const dir = mkdtempSync(join(tmpdir(), "brink-bundle-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lists the built-in suite through a probe host: its report line, parsed. */
async function listWith(host: string) {
  const p = Bun.spawn([process.execPath, host, "--list", "--builtin", "--report", "1"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  expect(code).toBe(0);
  return JSON.parse(out);
}

test("the image's probe host bundle lists what the sources list, and finds the worker files", async () => {
  // Only the packages: the context's copy of them is what gets bundled.
  const inputs = collectImageInputs();
  writeContext(
    { ...inputs, files: inputs.files.filter((f) => f.dest.startsWith("rootfs/node_modules/")) },
    dir,
  );
  await bundleProbeHost(inputs, dir);
  const src = join(dir, "rootfs/node_modules/@brink/probes/src");
  const bundle = join(src, PROBE_HOST_BUNDLE);
  expect(existsSync(bundle)).toBe(true);

  const bundled = await listWith(bundle);
  expect(bundled.kind).toBe("list");
  expect(bundled).toEqual(await listWith(join(src, "probe-host.ts")));

  // The generators load their workers by URL relative to their own module: from the bundle's
  // chunks those URLs must land on the worker files.
  const beside = join(bundle, "..");
  const chunks = readdirSync(beside).filter((f) => f.startsWith("probe-host."));
  const workers = new Set(
    chunks.flatMap((f) =>
      [...readFileSync(join(beside, f), "utf8").matchAll(/new URL\("\.\/([\w-]+\.ts)"/g)].map(
        (m) => m[1] as string,
      ),
    ),
  );
  expect([...workers].sort()).toEqual([
    "cpu-worker.ts",
    "disk-worker.ts",
    "fd-worker.ts",
    "memory-worker.ts",
  ]);
  for (const w of workers) expect(existsSync(join(beside, w))).toBe(true);
});

test("the same inputs bundle to the same bytes (the engine's layer cache depends on it)", async () => {
  const inputs = collectImageInputs();
  const bundleIn = async () => {
    const to = mkdtempSync(join(dir, "again-"));
    await bundleProbeHost(inputs, to);
    const beside = join(to, "rootfs/node_modules/@brink/probes/src", PROBE_HOST_BUNDLE, "..");
    return Object.fromEntries(
      readdirSync(beside)
        .sort()
        .map((f) => [f, readFileSync(join(beside, f), "utf8")]),
    );
  };
  const [a, b] = [await bundleIn(), await bundleIn()];
  expect(Object.keys(a).length).toBeGreaterThan(1);
  expect(a).toEqual(b);
});
