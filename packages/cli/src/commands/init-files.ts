import type { Category } from "@brink/probes/host";
import { VERSION } from "../version.ts";

/** The GitHub repository whose root holds brink's action (action.yml). */
export const ACTION_REPOSITORY = "brink-dev/brink";

/** Where `brink init` puts the starter suite, relative to the project. */
export const SUITE_PATH = "brink/suite.ts";
/** Where `brink init` puts the workflow. */
export const WORKFLOW_PATH = ".github/workflows/brink.yml";
/** The package.json script `brink init` adds, and what it runs. */
export const SCRIPT_NAME = "test:destructive";
export const SCRIPT_COMMAND = `brink run --suite ${SUITE_PATH}`;

const HEADER = `// brink's starter suite for this project: one probe per resource. Each puts
// \`loadManifest\` under pressure: it stands for your code, so replace it with an import of
// what you want to see fail gracefully (e.g. \`import { load } from "../src/store.ts"\`).
// Run: bun run ${SCRIPT_NAME}   (the same as: ${SCRIPT_COMMAND})
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineProbe, verdict } from "@brink/probes";

/** Stands for your code: reads this project's package.json. */
function loadManifest(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
}

/** The error code (or name) a call throws, or undefined when it works. */
function failure(call: () => unknown): string | undefined {
  try {
    call();
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).name;
  }
}
`;

const PROBES: Record<Category, string> = {
  oom: `
export const loadUnderMemoryPressure = defineProbe({
  id: "oom.load-under-memory-pressure",
  category: "oom",
  title: "loadManifest works while most of the memory fence is held",
  async run(ctx) {
    await using held = await ctx.pressure.holdMemory({ fraction: 0.7 });
    const code = failure(loadManifest);
    return verdict(
      code === undefined,
      \`loadManifest with \${held.reached} bytes held: \${code ?? "ok"}\`,
      { reached: held.reached, code },
    );
  },
});
`,
  disk: `
export const saveAtEnospc = defineProbe({
  id: "disk.save-at-enospc",
  category: "disk",
  title: "saving on a full disk throws a catchable ENOSPC, and works once space returns",
  async run(ctx) {
    const file = join(ctx.scratch, "manifest.json");
    const payload = JSON.stringify(loadManifest()).padEnd(2 ** 20);
    const full = await ctx.pressure.fillDisk({ dir: ctx.scratch });
    const code = failure(() => writeFileSync(file, payload));
    await full.release();
    const after = failure(() => writeFileSync(file, payload));
    return verdict(
      code === "ENOSPC" && after === undefined,
      \`save on a full disk -> \${code}; after release: \${after ?? "ok"}\`,
      { code, after, written: full.written },
    );
  },
});
`,
  stack: `
export const loadAfterStackOverflow = defineProbe({
  id: "stack.load-after-overflow",
  category: "stack",
  title: "a stack overflow is a catchable RangeError, and loadManifest works after it",
  async run(ctx) {
    const overflow = await ctx.pressure.exhaustStack({ shape: "plain" });
    const code = failure(loadManifest);
    return verdict(
      overflow.error === "RangeError" && code === undefined,
      \`overflow at depth \${overflow.depth} (\${overflow.error}); then loadManifest: \${code ?? "ok"}\`,
      { depth: overflow.depth, code },
    );
  },
});
`,
  fd: `
export const loadAtEmfile = defineProbe({
  id: "fd.load-at-emfile",
  category: "fd",
  title: "loadManifest throws a catchable EMFILE with no descriptor left, and works after",
  async run(ctx) {
    const fds = await ctx.pressure.openDescriptors({ kind: "file" });
    const code = failure(loadManifest);
    await fds.release();
    const after = failure(loadManifest);
    return verdict(
      code === "EMFILE" && after === undefined,
      \`loadManifest at EMFILE -> \${code}; after release: \${after ?? "ok"}\`,
      { code, after, opened: fds.opened },
    );
  },
});
`,
  pids: `
export const childAfterPidsExhaustion = defineProbe({
  id: "pids.child-after-exhaustion",
  category: "pids",
  title: "loadManifest works near the pids fence, and a child process starts after release",
  async run(ctx) {
    const procs = await ctx.pressure.spawnProcesses({});
    const code = failure(loadManifest);
    await procs.release();
    const child = Bun.spawnSync(["bun", "-e", "0"]).exitCode;
    return verdict(
      code === undefined && child === 0,
      \`\${procs.spawned} processes held; loadManifest: \${code ?? "ok"}; child after release exited \${child}\`,
      { spawned: procs.spawned, code, child },
    );
  },
});
`,
  cpu: `
export const loadUnderStarvedCpu = defineProbe({
  id: "cpu.load-under-starved-quota",
  category: "cpu",
  title: "loadManifest works, in bounded time, while busy workers use up the cpu quota",
  async run(ctx) {
    await using burn = await ctx.pressure.burnCpu({});
    const started = performance.now();
    const code = failure(loadManifest);
    const ms = Math.round(performance.now() - started);
    const { effectiveCpus } = burn.sample();
    return verdict(
      code === undefined && ms < 2000,
      \`loadManifest with the quota used up (\${effectiveCpus} cores): \${code ?? "ok"} in \${ms} ms\`,
      { code, ms, effectiveCpus },
    );
  },
});
`,
  net: `
export const callTimesOutOnSilentServer = defineProbe({
  id: "net.call-times-out-on-silent-server",
  category: "net",
  title: "an HTTP call with a deadline ends on time when the server accepts and never answers",
  async run(ctx) {
    await using peer = await ctx.pressure.faultyPeer({ mode: "blackhole" });
    const started = performance.now();
    // Stands for your HTTP client: point it at peer.url.
    const code = await fetch(peer.url, { signal: AbortSignal.timeout(500) }).then(
      () => undefined,
      (e) => (e as Error).name,
    );
    const ms = Math.round(performance.now() - started);
    return verdict(
      code === "TimeoutError" && ms < 2000,
      \`call to a silent server -> \${code ?? "answered"} after \${ms} ms\`,
      { code, ms, waitedMs: peer.stats().waitedMs },
    );
  },
});
`,
};

/**
 * The starter suite: one probe per category, each against the project's own package.json
 * (a stand-in for the user's code, named as such).
 *
 * @example
 * suiteFile(["fd", "disk"]); // "// brink's starter suite ..."
 */
export function suiteFile(categories: readonly Category[]): string {
  return HEADER + categories.map((c) => PROBES[c]).join("");
}

/**
 * The GitHub workflow: brink's action over a matrix of the picked categories, reports
 * uploaded, one run per ref at a time.
 *
 * @example
 * workflowFile(["fd"]); // "name: brink\n..."
 */
export function workflowFile(categories: readonly Category[], version = VERSION): string {
  const expr = (s: string) => `\${{ ${s} }}`;
  return `name: brink

on:
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: brink-${expr("github.ref")}
  cancel-in-progress: true

jobs:
  destructive:
    name: brink ${expr("matrix.category")}
    runs-on: ubuntu-latest
    timeout-minutes: 20
    strategy:
      fail-fast: false
      matrix:
        category: [${categories.join(", ")}]
    steps:
      - uses: actions/checkout@v4
      - uses: ${ACTION_REPOSITORY}@v${version}
        with:
          categories: ${expr("matrix.category")}
          suite: ${SUITE_PATH}
`;
}
