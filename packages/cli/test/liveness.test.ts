import { expect, test } from "bun:test";
import { judgeRun, type LivenessContext } from "../src/engine/liveness.ts";
import { parseElapsed, processStartMs } from "../src/engine/process-start.ts";

const NOW = Date.parse("2025-06-01T12:00:00Z");
const HOUR = 3600_000;
const started = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const owner = (pid: number, host: string, msAgo: number) => ({
  "dev.brink": "1",
  "dev.brink.run": "r",
  "dev.brink.pid": String(pid),
  "dev.brink.host": host,
  "dev.brink.started": started(msAgo),
});
/** This host runs pid 100 (started 10 min ago) and pid 200 (started 1 min ago); nothing else. */
const ctx: LivenessContext = {
  host: "here",
  now: NOW,
  startOf: (pid) => (pid === 100 ? NOW - 10 * 60_000 : pid === 200 ? NOW - 60_000 : null),
};

test.each([
  ["a running brink on this host", owner(100, "here", 10 * 60_000), true, "is running"],
  ["its start read a second apart", owner(100, "here", 10 * 60_000 + 1000), true, "is running"],
  ["a pid no process has", owner(300, "here", 60_000), false, "is gone"],
  ["a pid reused by a later process", owner(200, "here", 2 * HOUR), false, "reused"],
  ["another host, started an hour ago", owner(1, "there", HOUR), true, "runs on there"],
  ["another host, started two days ago", owner(1, "there", 48 * HOUR), false, "started 48 h ago"],
])("judgeRun: %s", (_, labels, alive, why) => {
  const j = judgeRun({ labels, createdMs: NOW - 60_000 }, ctx);
  expect(j.alive).toBe(alive as boolean);
  expect(j.why).toContain(why as string);
});

test("judgeRun: without owner labels (an older brink) only age decides", () => {
  const labels = { "dev.brink": "1", "dev.brink.run": "old" };
  expect(judgeRun({ labels, createdMs: NOW - HOUR }, ctx).alive).toBe(true);
  expect(judgeRun({ labels, createdMs: NOW - 25 * HOUR }, ctx).alive).toBe(false);
  expect(judgeRun({ labels: null, createdMs: NOW - 25 * HOUR }, ctx).alive).toBe(false);
  const bad = { ...owner(100, "here", 0), "dev.brink.pid": "x" };
  expect(judgeRun({ labels: bad, createdMs: NOW }, ctx).alive).toBe(true);
});

test("judgeRun: a system that cannot tell a process's start keeps the run", () => {
  const unknown: LivenessContext = { ...ctx, startOf: () => undefined };
  expect(judgeRun({ labels: owner(100, "here", 0), createdMs: NOW }, unknown).alive).toBe(true);
});

test("processStartMs: this process started a moment ago; a pid that cannot exist is gone", () => {
  const mine = processStartMs(process.pid);
  expect(typeof mine).toBe("number");
  const uptimeStart = Date.now() - process.uptime() * 1000;
  expect(Math.abs((mine as number) - uptimeStart)).toBeLessThan(3000);
  expect(processStartMs(2 ** 30)).toBeNull();
  expect(processStartMs(-1)).toBeNull();
});

test.each([
  ["05:07", 307_000],
  ["1:02:03", 3_723_000],
  ["2-01:00:00", 176_400_000],
  ["  00:01\n", 1000],
  ["soon", null],
])("parseElapsed(%p) = %p", (etime, ms) => {
  expect(parseElapsed(etime as string)).toBe(ms as number | null);
});
