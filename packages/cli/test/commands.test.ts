import { expect, test } from "bun:test";
import { CATEGORIES } from "@brink/probes";
import { brink, engineTest, leftovers, testRunId } from "./engine.ts";

test("--help and --version answer without an engine", async () => {
  const h = await brink(["--help"]);
  expect(h.code).toBe(0);
  expect(h.stdout).toContain("brink run");
  expect((await brink(["run", "--help"])).stdout).toContain("--concurrency");
  expect((await brink(["--version"])).stdout).toMatch(/^brink \d+\.\d+\.\d+/);
  expect((await brink(["help", "sweep"])).stdout).toContain("--fault");
  const noColor = await brink(["--no-color", "list", "--category", "fd"], {
    env: { FORCE_COLOR: "1", NO_COLOR: undefined },
  });
  expect(noColor.code).toBe(0);
  expect(noColor.stdout).toContain("fd.exhaust-until-emfile");
  expect(noColor.stdout).not.toContain("\u001b[");
});

test("no command and no terminal: usage on stderr, exit 2", async () => {
  const r = await brink([]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("no terminal for the wizard");
});

test.each([
  [["run", "--memory", "0"], '--memory "0"'],
  [["run", "--memory", "-5m"], '--memory "-5m"'],
  [["run", "--disk", "12xb"], '--disk "12xb"'],
  [["run", "--stack", "1e99"], '--stack "1e99"'],
  [["run", "--memory", ""], '--memory ""'],
  [["run", "--memory", "5000g"], "up to 1 TiB"],
  [["run", "--nofile", "lots"], '--nofile "lots"'],
  [["run", "--pids", "0"], '--pids "0"'],
  [["run", "--cpus", "-1"], '--cpus "-1"'],
  [["run", "--timeout", "soon"], '--timeout "soon"'],
  [["run", "--concurrency", "0"], '--concurrency "0"'],
  [["run", "--category", "gpu"], 'unknown category "gpu"'],
  [["run", "--category", "fdd"], 'unknown category "fdd"; did you mean fd?'],
  [["sweep", "--", "true"], "brink: sweep needs --fault"],
  [["run", "--category", ","], "names no category"],
  [["run", "--probe", ","], "names no probe"],
  [["run", "--probe", "fd.no-leak-after-releas"], "did you mean fd.no-leak-after-release?"],
  [
    ["run", "--category", "oom", "--probe", "fd.no-leak-after-release"],
    'no probe "fd.no-leak-after-release" in oom',
  ],
  [["run", "--frobnicate"], "--frobnicate"],
  [["run", "--memory"], "--memory"],
  [["run", "--suite", "nope.ts"], "--suite nope.ts does not exist"],
  [["run", "--suite", "packages/cli/test/fixtures/suites/broken.ts"], "does not load"],
  [["run", "--suite", "packages/cli/test/fixtures/suites/empty.ts"], "exports no probes"],
  [["run", "--project", "/no/such/dir"], "--project /no/such/dir is not a directory"],
  [["run", "--memory", "16m"], "cannot be honoured"],
  [["run", "--nofile", "8"], "cannot be honoured"],
  [["exec", "--memory", "128m"], "needs a command after --"],
  [
    ["exec", "--memory", "128m", "--disk", "200m", "--", "true"],
    "tmpfs pages count against memory",
  ],
  [["list", "--category", "gpu"], 'unknown category "gpu"'],
  [["frob"], 'unknown command "frob"'],
  [["doctor", "--fast"], "--fast"],
  [["exec", "--timeout", "soon", "--", "true"], '--timeout "soon"'],
  [["clean", "--everything"], "--everything"],
  // typos get a suggestion (issue 16)
  [["rn"], 'unknown command "rn"; did you mean run?'],
  [["docter"], "did you mean doctor?"],
  [["run", "--memry", "96m"], "unknown option --memry; did you mean --memory?"],
  [["exec", "--nofle", "64", "--", "true"], "did you mean --nofile?"],
  [["list", "--jsn"], "did you mean --json?"],
  [["run", "fd"], "did you mean --category fd?"],
  [["exec", "ls"], "put the command after --: brink exec -- ls"],
  [
    ["exec", "--memory", "96m", "bun", "test"],
    "put the command after --: brink exec --memory 96m -- bun test",
  ],
  [["run", "--memory", "64"], "--memory 64 is 64 bytes: did you mean 64m?"],
  [["run", "--allow-skip=yes"], "--allow-skip takes no value"],
  [["run", "--suite", "packages"], "--suite packages is a directory"],
  // report paths are checked before anything starts
  [["run", "--json", "README.md/brink.json"], "--json README.md/brink.json cannot be written"],
  [["run", "--junit", "packages"], "--junit packages cannot be written (it is a directory)"],
  // a folder that only looks writable (as root) is found before the run, not after it
  [["run", "--json", "/proc/brink.json"], "--json /proc/brink.json cannot be written"],
  // sweep and squeeze check their reports before anything runs too
  [
    ["sweep", "--fault", "write:EIO", "--json", "packages", "--", "true"],
    "--json packages cannot be written",
  ],
  [
    ["squeeze", "--json", "/proc/brink.json", "--", "true"],
    "--json /proc/brink.json cannot be written",
  ],
  [
    ["exec", "--json", "README.md/x.json", "--", "true"],
    "--json README.md/x.json cannot be written",
  ],
])("bad input %p: one clear line, exit 2, nothing started", async (args, says) => {
  const run = testRunId("bad-input");
  const r = await brink(args as string[], { run });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(says as string);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
  // one style: "brink: " then lower case, never "brink: brink ..."
  expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^brink: (?!brink )[^A-Z]/);
  expect(await leftovers(run)).toBe(0);
});

test("a BRINK_RUN_ID that cannot label a container: exit 2 naming it", async () => {
  const r = await brink(["exec", "--", "true"], { env: { BRINK_RUN_ID: "Not A Run" } });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('BRINK_RUN_ID="Not A Run" is not a run id');
});

test("DOCKER_HOST pointing nowhere: exit 3 naming it", async () => {
  const r = await brink(["run", "--category", "fd"], { env: { DOCKER_HOST: "tcp://127.0.0.1:1" } });
  expect(r.code).toBe(3);
  expect(r.stderr).toContain("DOCKER_HOST=tcp://127.0.0.1:1");
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

test("list: every category, ids unique, at least 28 probes", async () => {
  const r = await brink(["list", "--json"]);
  const probes = JSON.parse(r.stdout) as { id: string; category: string }[];
  expect(probes.length).toBeGreaterThanOrEqual(28);
  expect(new Set(probes.map((p) => p.id)).size).toBe(probes.length);
  const listed = new Set(probes.map((p) => p.category));
  for (const c of ["oom", "disk", "stack", "fd", "pids"]) expect(listed.has(c)).toBe(true);
  for (const c of listed) expect((CATEGORIES as readonly string[]).includes(c)).toBe(true);
  const fd = JSON.parse((await brink(["list", "--category", "fd", "--json"])).stdout) as {
    category: string;
  }[];
  expect(fd.every((p) => p.category === "fd")).toBe(true);
  expect((await brink(["list"])).stdout).toContain("fd.exhaust-until-emfile");
});

engineTest("doctor: engine, cgroup, and each fence proven in its own container", async () => {
  const run = testRunId("doctor");
  const r = await brink(["doctor", "--json"], { run });
  const out = JSON.parse(r.stdout);
  expect(out.engine.cgroup === 1 || out.engine.cgroup === 2).toBe(true);
  expect(out.fences.map((f: { fence: string }) => f.fence)).toEqual([
    "memory",
    "disk",
    "stack",
    "nofile",
    "pids",
    "cpus",
  ]);
  expect(out.fences.filter((f: { ok: boolean }) => !f.ok)).toEqual([]);
  expect(r.code).toBe(0);
  expect(await leftovers(run)).toBe(0);

  // Without --json, what doctor found is on stdout (`brink doctor > file` keeps it), each
  // fence on a line of its own; stderr holds only what it was doing.
  const plain = await brink(["doctor"], { run });
  expect(plain.code).toBe(0);
  expect(plain.stdout).toMatch(/^ok {2}engine /m);
  for (const f of out.fences as { fence: string }[])
    expect(plain.stdout).toMatch(new RegExp(`^ok {2}${f.fence} `, "m"));
  expect(plain.stderr).not.toMatch(/^ok /m);
  expect(await leftovers(run)).toBe(0);
});
