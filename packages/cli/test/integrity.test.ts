// Issue 11: ordinary-but-hostile code under test must not crash, hang or flip brink's
// verdicts. Each case is a probe in a suite under fixtures/suites/hostile-*.ts (or a suite
// under fixtures/bad-suites/) with its truthful outcome asserted. The hostile suites run in
// ONE `brink run` (one container per category); the other invocations run side by side
// once it is done (it builds the probe image when that is needed).
import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brink, docker, engineTest, testDir } from "./engine.ts";

const tmp = testDir("brink-integrity-test-");
/** A cache of listed suites of this file's own: nothing listed by an earlier run is reused. */
const env = { XDG_CACHE_HOME: join(tmp, "cache") };
const SUITES = "packages/cli/test/fixtures/suites";
const BAD = "packages/cli/test/fixtures/bad-suites";
const HOSTILE = ["log", "stdout", "parent", "state", "results", "exits"].map(
  (s) => `${SUITES}/hostile-${s}.ts`,
);
/** How many probes the hostile suites define. */
const HOSTILE_PROBES = 38;

interface Result {
  id: string;
  status: string;
  message: string;
  observed: Record<string, unknown> & { process?: Record<string, unknown> };
}
interface Report {
  results: Result[];
  summary: Record<string, number>;
}

/** Runs `f` once, on first use, however many tests read it. */
function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= f();
    return p;
  };
}

/** `brink run` with `args`, writing JSON, JUnit and Markdown reports named after `name`. */
async function run(name: string, args: string[]) {
  const out = {
    json: join(tmp, `${name}.json`),
    junit: join(tmp, `${name}.xml`),
    markdown: join(tmp, `${name}.md`),
  };
  const r = await brink(
    ["run", ...args, "--json", out.json, "--junit", out.junit, "--markdown", out.markdown],
    { env },
  );
  const report = JSON.parse(readFileSync(out.json, "utf8")) as Report;
  /** The one result with this id (it fails when there are none or several). */
  const byId = (id: string): Result => {
    const found = report.results.filter((x) => x.id === id);
    expect(found.map((x) => x.id)).toEqual([id]);
    return found[0] as Result;
  };
  /** Statuses of the results whose id starts with `prefix`, by id. */
  const statuses = (prefix: string): Record<string, string> =>
    Object.fromEntries(
      report.results.filter((x) => x.id.startsWith(prefix)).map((x) => [x.id, x.status]),
    );
  return { ...r, out, report, byId, statuses };
}

const suiteArgs = (files: string[]) => files.flatMap((f) => ["--suite", f]);
const hostileRun = once(() => run("hostile", suiteArgs(HOSTILE)));

/** `brink run --suite <bad suite>`: its exit code and output (no report is expected). */
async function runBad(file: string) {
  const r = await brink(["run", "--suite", `${BAD}/${file}.ts`], { env });
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r;
}
const BAD_TIMEOUTS = ["infinity", "3e9", "0", "minus-5", "nan"];

/** Everything after the hostile run, started together so that their waits overlap. */
const others = once(async () => {
  await hostileRun().catch(() => {});
  return {
    slow: run("slow", [...suiteArgs([`${SUITES}/hostile-slow.ts`]), "--timeout", "1s"]),
    slowLoad: run("slow-load", suiteArgs([`${SUITES}/hostile-slow-load.ts`])),
    definitions: Promise.all(
      ["duplicate-ids", "unbranded", ...BAD_TIMEOUTS.map((t) => `timeout-${t}`)].map(runBad),
    ),
    exitAtTopLevel: Promise.all([
      runBad("exit-at-top-level"),
      brink(["list", "--suite", `${BAD}/exit-at-top-level.ts`], { env }),
    ]),
  };
});

// The suite whose top-level await never settles waits out the runner's 30 s loading
// deadline: it starts now, so that wait overlaps every other case.
const neverSettles = docker ? runBad("await-never-settles") : null;

engineTest("hostile suites: the run ends, one result per probe, every writer writes", async () => {
  const { code, report, stderr, out } = await hostileRun();
  expect(code).toBe(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  const listed = JSON.parse(
    (await brink(["list", "--json", ...suiteArgs(HOSTILE)], { env })).stdout,
  ) as { id: string }[];
  expect(listed.length).toBe(HOSTILE_PROBES);
  expect(report.results.map((x) => x.id).sort()).toEqual(listed.map((p) => p.id).sort());
  expect(report.summary.total).toBe(HOSTILE_PROBES);
  const py = Bun.spawnSync([
    "python3",
    "-c",
    "import sys,xml.etree.ElementTree as E; print(len(list(E.parse(sys.argv[1]).getroot().iter('testcase'))))",
    out.junit,
  ]);
  expect(py.stdout.toString().trim()).toBe(String(HOSTILE_PROBES));
  const md = readFileSync(out.markdown, "utf8");
  expect(md).toContain("| ✅ pass | `stack.no-message` | stack |");
  expect(md).toContain("| ❌ fail | `stack.numeric-message` | stack |");
});

engineTest("an app that logs JSON lines to stdout passes, once", async () => {
  const { byId } = await hostileRun();
  expect(byId("fd.logs-json")).toMatchObject({ status: "pass", message: "logged" });
});

engineTest("forged events on its own stdout and stderr change nothing", async () => {
  const { byId, statuses } = await hostileRun();
  expect(byId("fd.forge-stdout")).toMatchObject({
    status: "fail",
    message: "the real verdict: a failure",
  });
  expect(statuses("fd.after-stdout")).toEqual({
    "fd.after-stdout-fails": "fail",
    "fd.after-stdout-throws": "fail",
  });
});

engineTest("a pass printed for itself, then exit(0) mid-probe, is not a pass", async () => {
  const { byId } = await hostileRun();
  const r = byId("fd.forge-then-exit");
  expect(r.status).toBe("error");
  expect(r.message).toBe("its process exited with code 0 before reporting a verdict");
});

engineTest("a forged pass and done, then a busy loop: timed out, not hung", async () => {
  const { byId } = await hostileRun();
  expect(byId("fd.forge-then-spin")).toMatchObject({
    status: "error",
    message: "timed out after 1000 ms",
  });
});

engineTest(
  "a passing probe that leaves timers, servers and children open still passes",
  async () => {
    const { byId } = await hostileRun();
    for (const id of ["fd.leaves-interval", "fd.leaves-server", "fd.leaves-child"])
      expect(byId(id).status).toBe("pass");
    expect(byId("fd.leaves-child").observed.process?.leftoverProcesses).toBeGreaterThanOrEqual(1);
  },
);

engineTest(
  "code that writes a note on fd 3 (as bats tests do) is judged by its verdict",
  async () => {
    const { byId } = await hostileRun();
    expect(byId("fd.writes-fd3")).toMatchObject({
      status: "fail",
      message: "the real verdict: a failure",
    });
  },
);

engineTest("code that closes every inherited descriptor still gets its pass", async () => {
  const { byId } = await hostileRun();
  expect(byId("fd.closes-inherited-fds")).toMatchObject({
    status: "pass",
    message: "inherited descriptors closed",
  });
});

engineTest("logging to /proc/1/fd/1, as containerised apps do, changes nothing", async () => {
  const { byId } = await hostileRun();
  expect(byId("pids.logs-to-docker")).toMatchObject({
    status: "pass",
    message: "logged to docker",
  });
});

engineTest(
  "forged events written onto the container's stdout through /proc change nothing",
  async () => {
    const { byId, statuses } = await hostileRun();
    const forger = byId("pids.forge-via-parent");
    expect(forger).toMatchObject({ status: "fail", message: "the real verdict: a failure" });
    // The writes did reach the container's stdout: this case tests something.
    expect(forger.observed.wroteThrough).toContain("/proc/1/fd/1");
    expect(statuses("pids.after-parent")).toEqual({
      "pids.after-parent-fails": "fail",
      "pids.after-parent-throws": "fail",
    });
  },
);

engineTest(
  "a detached child that would forge the next pass and kill the runner is gone first",
  async () => {
    const { byId } = await hostileRun();
    const left = byId("pids.forge-later-detached");
    expect(left.status).toBe("pass");
    expect(left.observed.process?.leftoverProcesses).toBeGreaterThanOrEqual(1);
    expect(byId("pids.after-detached-fails")).toMatchObject({
      status: "fail",
      message: "a real failure",
    });
  },
);

engineTest("a probe that kills its runner is killed, not passed", async () => {
  const { byId } = await hostileRun();
  expect(byId("pids.kills-runner").status).toBe("killed");
});

engineTest(
  "globals patched, fence variables deleted, the guard's errors thrown, /scratch filled: each probe judged alone",
  async () => {
    const { byId, statuses } = await hostileRun();
    expect(statuses("disk.")).toEqual({
      "disk.patches-json": "fail",
      "disk.deletes-fence-env": "pass",
      "disk.throws-guard-error": "fail",
      "disk.throws-unfenced": "fail",
      "disk.fills-scratch": "pass",
      "disk.after-state-fails": "fail",
      "disk.after-state-throws": "fail",
    });
    expect(byId("disk.patches-json").message).toBe("the real verdict: a failure");
    expect(byId("disk.throws-guard-error").message).toStartWith("threw GuardError:");
    expect(byId("disk.fills-scratch").observed.scratch).toMatchObject({ code: "ENOSPC" });
    // The next probe had the whole disk, the real JSON and the fence variables again.
    expect(byId("disk.after-state-fails")).toMatchObject({
      message: "a real failure",
      observed: { wroteMiB: 10, json: '{"a":1}', fenceDisk: String(100 * 2 ** 20) },
    });
    expect(byId("disk.after-state-throws").message).toBe("threw Error: a real throw");
  },
);

engineTest("odd verdicts and throws get truthful statuses", async () => {
  const { byId, statuses } = await hostileRun();
  expect(statuses("stack.")).toEqual({
    "stack.no-message": "pass",
    "stack.numeric-message": "fail",
    "stack.returns-undefined": "error",
    "stack.bigint-observed": "pass",
    "stack.circular-observed": "pass",
    "stack.throws-proxy": "fail",
    "stack.throws-null": "fail",
    "stack.closes-stdout": "pass",
    "stack.huge-result": "pass",
    "stack.after-huge": "pass",
    "stack.exits-255": "error",
  });
  expect(byId("stack.no-message").message).toBe("");
  expect(byId("stack.numeric-message").message).toBe("42");
  expect(byId("stack.bigint-observed").observed).toMatchObject({
    n: "1180591620717411303424n",
    f: "[function named]",
  });
  expect(byId("stack.circular-observed").observed).toMatchObject({ depth: 1, self: "[cycle]" });
  expect(byId("stack.throws-null").message).toBe("threw null: null");
});

engineTest("run() returning undefined is an error that says undefined", async () => {
  const { byId } = await hostileRun();
  expect(byId("stack.returns-undefined").message).toStartWith(
    "run() returned undefined instead of a verdict",
  );
});

engineTest("exit(255) is an exit code, not a signal", async () => {
  const { byId } = await hostileRun();
  const r = byId("stack.exits-255");
  expect(r.message).toBe("its process exited with code 255 before reporting a verdict");
  expect(r.observed.process).toMatchObject({ exitCode: 255, signal: null });
});

engineTest("a result over 1 MiB is cut with a note, not lost, and its probe ran once", async () => {
  const { byId } = await hostileRun();
  const r = byId("stack.huge-result");
  expect(r.status).toBe("pass");
  expect(r.message.length).toBeLessThan(10_000);
  expect(r.message).toContain("more characters");
  expect(String(r.observed.truncated)).toMatch(/^observed was \d+ characters, over the \d+ cap/);
  // Each container has a hostname of its own: a retry would have run in another container.
  const host = byId("stack.after-huge").observed.host as string;
  expect(host).toStartWith("brink-");
  expect(byId("stack.bigint-observed").observed.host).toBe(host);
  expect(String(r.observed.preview)).toStartWith(`{"host":"${host}"`);
});

engineTest(
  "a child OOM-killed, then the probe's own exit(137), is not the memory fence",
  async () => {
    const { byId } = await hostileRun();
    const r = byId("oom.child-oom-then-exit-137");
    expect(r.status).toBe("fail");
    expect(r.message).toBe(
      "expected an OOM kill by the memory fence; its process exited with code 137",
    );
    // The child really was OOM-killed (where the cgroup's counter can be read).
    const kills = r.observed.process?.oomKills;
    if (kills !== undefined) expect(kills).toBeGreaterThanOrEqual(1);
    expect(byId("oom.exits-137")).toMatchObject({
      status: "error",
      message: "its process exited with code 137 before reporting a verdict",
    });
  },
);

engineTest("brink run --timeout 1s caps a probe that takes 5 s", async () => {
  const { code, report, byId } = await (await others()).slow;
  expect(code).toBe(1);
  expect(report.results).toHaveLength(1);
  expect(byId("fd.takes-5s")).toMatchObject({
    status: "error",
    message: "timed out after 1000 ms",
  });
});

engineTest("a suite that takes 3 s to load does not use up a 1 s probe's timeout", async () => {
  const { code, byId } = await (await others()).slowLoad;
  expect(byId("fd.quick-after-slow-load")).toMatchObject({ status: "pass", message: "quick" });
  expect(code).toBe(0);
});

engineTest("bad definitions are usage errors naming the file and the id", async () => {
  const [dup, unbranded, ...timeouts] = await (await others()).definitions;
  expect(dup?.code).toBe(2);
  expect(dup?.stderr).toContain(`${BAD}/duplicate-ids.ts`);
  expect(dup?.stderr).toContain('two probes have the id "fd.same-id"');
  expect(unbranded?.code).toBe(2);
  expect(unbranded?.stderr).toContain(`${BAD}/unbranded.ts`);
  expect(unbranded?.stderr).toContain('export "handMade" (id "memory.hand-made")');
  expect(unbranded?.stderr).toContain("defineProbe");
  const shown = ["Infinity", "3000000000", "0", "-5", "NaN"];
  timeouts.forEach((r, i) => {
    const name = BAD_TIMEOUTS[i];
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${BAD}/timeout-${name}.ts`);
    expect(r.stderr).toContain(
      `probe fd.timeout-${name}: timeoutMs ${shown[i]} is not between 1 and`,
    );
  });
});

engineTest(
  "process.exit(0) at a suite's top level: exit 2 and a message, not a silent 0",
  async () => {
    const [ran, listed] = await (await others()).exitAtTopLevel;
    for (const r of [ran, listed]) {
      expect(r.code).toBe(2);
      // The host names the suite as the user gave it, and says what probably happened.
      expect(r.stderr).toMatch(
        /exit-at-top-level\.ts ended with exit code 0 before it listed its probes/,
      );
    }
  },
);

engineTest(
  "a suite whose top-level await never settles: exit 2 within the loading deadline",
  async () => {
    const r = await (neverSettles as ReturnType<typeof runBad>);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("loading the suite did not finish within 30 s");
  },
);
