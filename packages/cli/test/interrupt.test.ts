import { expect } from "bun:test";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { docker, engineTest, leftovers, MAIN, ROOT, testDir, testRunId } from "./engine.ts";

const tmp = testDir("brink-int-test-");
const CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGQUIT: 131 } as const;
type Sig = keyof typeof CODES;

/** Starts `brink run` under its own run id, waits until `ready` (stderr so far) holds, sends `signal`, and collects the end. */
async function interruptAt(
  ready: (stderr: string) => boolean | Promise<boolean>,
  signal: Sig,
  name: string,
  options: { args?: string[]; env?: Record<string, string>; twice?: boolean } = {},
) {
  const run = testRunId(name);
  const json = join(tmp, `${name}.json`);
  const xml = join(tmp, `${name}.xml`);
  const p = Bun.spawn(
    ["bun", MAIN, "run", ...(options.args ?? []), "--json", json, "--junit", xml],
    {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", BRINK_RUN_ID: run, ...options.env },
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const stdout = new Response(p.stdout).text();
  let seen = "";
  const dec = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of p.stderr) seen += dec.decode(chunk, { stream: true });
  })();
  while (!(await ready(seen)) && p.exitCode === null) await Bun.sleep(20);
  p.kill(signal);
  if (options.twice) {
    // The same Ctrl-C delivered twice (the terminal, and a wrapper that forwards it).
    await Bun.sleep(20);
    p.kill(signal);
  }
  const code = await p.exited;
  await reading;
  const stderr = seen;
  return {
    run,
    code,
    stderr,
    stdout: await stdout,
    report: JSON.parse(readFileSync(json, "utf8")),
    xml: readFileSync(xml, "utf8"),
  };
}

const planned = async () => {
  const p = Bun.spawnSync(["bun", MAIN, "list", "--json"], { cwd: ROOT });
  return (JSON.parse(p.stdout.toString()) as unknown[]).length;
};

engineTest(
  "SIGINT, SIGTERM, SIGHUP, SIGQUIT mid-run: 130/143/129/131, no container of the run left, reports list every probe",
  async () => {
    const total = await planned();
    const passes = (n: number) => (s: string) => (s.match(/ pass /g) ?? []).length >= n;
    const runs = await Promise.all([
      interruptAt((s) => s.includes("container starting"), "SIGINT", "sig-int"),
      interruptAt(passes(1), "SIGTERM", "sig-term"),
      interruptAt(passes(2), "SIGHUP", "sig-hup"),
      interruptAt(passes(1), "SIGQUIT", "sig-quit"),
      interruptAt(passes(1), "SIGINT", "sig-int-twice", { twice: true }),
    ]);
    for (const [r, sig] of runs.map(
      (r, i) => [r, (["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGINT"] as const)[i]] as const,
    )) {
      expect({ sig, code: r.code }).toEqual({ sig, code: CODES[sig as Sig] });
      expect(r.report.version).toBe(1);
      expect(r.report.incomplete).toBe(`interrupted by ${sig}`);
      expect(r.report.results.length).toBe(total);
      expect(r.report.summary.total).toBe(total);
      expect(
        r.report.results.some((x: { message: string }) => x.message.startsWith("not run: ")),
      ).toBe(true);
      expect(r.xml).toStartWith("<?xml");
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toContain(`incomplete: interrupted by ${sig}`);
      expect(await leftovers(r.run)).toBe(0);
    }
    // One Ctrl-C delivered twice within milliseconds is one stop, not "leave at once".
    expect(runs[4]?.stderr).not.toContain("again");
    const hup = runs[2];
    expect(
      hup?.report.results.filter((x: { status: string }) => x.status === "pass").length,
    ).toBeGreaterThanOrEqual(2);
  },
);

engineTest(
  "SIGINT while the probe image builds or the suites load: exit 130, reports valid, nothing left",
  async () => {
    if (!docker) throw new Error("no engine");
    // A Bun binary of its own (one byte more) makes an image nobody has: a build to interrupt.
    const dir = mkdtempSync(join(tmpdir(), "brink-int-bun-"));
    try {
      const bun = join(dir, "bun");
      copyFileSync(process.execPath, bun);
      await Bun.write(bun, new Blob([await Bun.file(bun).arrayBuffer(), "\n"]));
      const before = readdirSync(tmpdir()).filter((f) => f.startsWith("brink-image-"));
      const build = await interruptAt(
        (s) => s.includes("building the probe image"),
        "SIGINT",
        "int-build",
        { args: ["--category", "fd"], env: { BRINK_BUN_BINARY: bun } },
      );
      expect(build.code).toBe(130);
      expect(build.report.incomplete).toBe("interrupted by SIGINT before any probe ran");
      expect(
        build.report.results.every((x: { message: string }) => x.message.startsWith("not run: ")),
      ).toBe(true);
      const images = await docker.listImages({
        filters: { label: [`dev.brink.run=${build.run}`] },
      });
      expect(images).toEqual([]);
      expect(readdirSync(tmpdir()).filter((f) => f.startsWith("brink-image-"))).toEqual(before);
      expect(await leftovers(build.run)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A suite never seen before is listed in a fenced container first: stop it there.
    const project = mkdtempSync(join(tmpdir(), "brink-int-suite-"));
    try {
      const suite = readFileSync(join(ROOT, "examples/suite.ts"), "utf8").replace(
        /\.\/kv-store\.ts/g,
        join(ROOT, "examples/kv-store.ts"),
      );
      await Bun.write(join(project, "suite.ts"), `${suite}\n// ${testRunId("fresh")}\n`);
      const listing = testRunId("int-list");
      const r = await interruptAt(
        async () =>
          !!docker &&
          (
            await docker.listContainers({
              all: true,
              filters: { label: [`dev.brink.run=${listing}`] },
            })
          ).length > 0,
        "SIGINT",
        "int-list",
        {
          args: ["--project", project, "--suite", join(project, "suite.ts")],
          env: { BRINK_RUN_ID: listing },
        },
      );
      expect(r.code).toBe(130);
      expect(r.report.incomplete).toBe("interrupted by SIGINT before any probe ran");
      expect(await leftovers(listing)).toBe(0);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  },
);

engineTest(
  "SIGINT at random moments: the engine stays clean and the reports stay valid",
  async () => {
    for (let i = 0; i < 3; i++) {
      const run = testRunId(`random-${i}`);
      const json = join(tmp, `random-${i}.json`);
      const p = Bun.spawn(["bun", MAIN, "run", "--json", json], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1", BRINK_RUN_ID: run },
        stdout: "ignore",
        stderr: "ignore",
      });
      await Bun.sleep(200 + Math.floor(Math.random() * 3000));
      p.kill("SIGINT");
      const code = await p.exited;
      // Before brink traps SIGINT (start-up, nothing created yet) the signal ends it; after,
      // it exits 130 with a partial report, or 0 if the run had already finished.
      if (p.signalCode !== "SIGINT") expect([0, 130]).toContain(code);
      if (code === 130 || code === 0) {
        const report = JSON.parse(readFileSync(json, "utf8"));
        expect(report.version).toBe(1);
        expect(report.summary.total).toBe(report.results.length);
        if (code === 130) expect(report.incomplete).toContain("interrupted by SIGINT");
      }
      expect(await leftovers(run)).toBe(0);
    }
  },
  120_000,
);

engineTest(
  "doctor and sweep stop the same way: SIGTERM/SIGHUP, their codes, nothing left, the sweep report incomplete",
  async () => {
    const stopWhenUp = async (args: string[], signal: Sig, name: string) => {
      const run = testRunId(name);
      const p = Bun.spawn(["bun", MAIN, ...args], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1", BRINK_RUN_ID: run },
        stdout: "ignore",
        stderr: "pipe",
      });
      const stderr = new Response(p.stderr).text();
      const end = Date.now() + 60_000;
      while ((await leftovers(run)) === 0 && p.exitCode === null && Date.now() < end)
        await Bun.sleep(50);
      p.kill(signal);
      return { run, code: await p.exited, stderr: await stderr };
    };
    const json = join(tmp, "sweep-stopped.json");
    const [doctor, sweep] = await Promise.all([
      stopWhenUp(["doctor"], "SIGTERM", "doctor-term"),
      stopWhenUp(
        [
          "sweep",
          "--fault",
          "write:ENOSPC",
          "--json",
          json,
          "--",
          "bun",
          "-e",
          "for (;;) { require('node:fs').writeFileSync('/scratch/x', 'y'); await Bun.sleep(50) }",
        ],
        "SIGHUP",
        "sweep-hup",
      ),
    ]);
    expect(doctor.code).toBe(143);
    expect(doctor.stderr).not.toMatch(/\n\s+at /);
    expect(await leftovers(doctor.run)).toBe(0);
    expect(sweep.code).toBe(129);
    expect(JSON.parse(readFileSync(json, "utf8")).incomplete).toBe("interrupted by SIGHUP");
    expect(await leftovers(sweep.run)).toBe(0);
  },
);
