import { parseArgs } from "node:util";
import type { Category, ProbeResult } from "@brink/probes/host";
import { DEFAULT_LIMITS } from "../args/limits.ts";
import { openRunScope } from "../engine/run-scope.ts";
import { runBatch } from "../orchestrate/batch.ts";
import { probeInfos } from "../orchestrate/probe-info.ts";
import { limitsFor, runnerCmd } from "../orchestrate/run-plan.ts";
import { palette, stdoutPalette } from "../report/terminal.ts";
import { parseOrUsage } from "./parse.ts";

/** Each fence and the built-in probe whose pass proves the engine enforces it. */
export const FENCE_PROOFS: { fence: string; category: Category; probe: string }[] = [
  { fence: "memory", category: "oom", probe: "oom.child-killed-parent-survives" },
  { fence: "disk", category: "disk", probe: "disk.write-until-enospc" },
  { fence: "stack", category: "stack", probe: "stack.deep-recursion-caught" },
  { fence: "nofile", category: "fd", probe: "fd.exhaust-until-emfile" },
  { fence: "pids", category: "pids", probe: "pids.spawn-until-eagain" },
  { fence: "cpus", category: "cpu", probe: "cpu.quota-holds-and-throttles" },
];

/**
 * The cpu fence's proof: the quota read back in the cpu container is what its category asks
 * (0.25 cpus), busy threads were throttled (cpu.stat), and every other container read --cpus.
 */
function cpuProof(
  r: ProbeResult,
  others: ProbeResult["fence"][],
): { ok: boolean; message: string } {
  const asked = limitsFor("cpu", DEFAULT_LIMITS, []).cpus;
  const o = r.observed as {
    quota?: unknown;
    effectiveCpus?: unknown;
    throttling?: { throttled?: unknown; periods?: unknown };
  };
  const throttled = typeof o.throttling?.throttled === "number" ? o.throttling.throttled : 0;
  const read = [...new Set(others.map((f) => f.cpus))];
  const ok =
    r.status === "pass" &&
    o.quota === asked &&
    throttled > 0 &&
    read.every((x) => x === DEFAULT_LIMITS.cpus);
  return {
    ok,
    message: `quota ${String(o.quota ?? "none")} read back (asked ${asked}); busy threads got ${String(o.effectiveCpus)} cores, throttled in ${throttled} of ${String(o.throttling?.periods ?? "?")} periods; the other containers read ${read.map((x) => x ?? "none").join(", ")} (asked ${DEFAULT_LIMITS.cpus})${r.status === "pass" ? "" : `: ${r.message}`}`,
  };
}

/**
 * `brink doctor`: engine, version, cgroup version, then one tiny container per fence. What
 * it found goes to stdout (JSON with --json); what it is doing, to stderr.
 *
 * @example
 * process.exitCode = await doctorCommand(["--json"], { color: false });
 */
export async function doctorCommand(argv: string[], ui: { color: boolean }): Promise<number> {
  const { values: v } = parseOrUsage(
    () => parseArgs({ args: argv, options: { json: { type: "boolean" } }, strict: true }),
    argv,
  );
  const c = palette(ui.color);
  // What doctor is doing on stderr; what it found on stdout (`brink doctor > file` keeps it).
  const say = (s: string) => v.json || process.stderr.write(`${s}\n`);
  const found = (s: string) => v.json || process.stdout.write(`${s}\n`);
  const o = stdoutPalette(ui.color);
  await using scope = openRunScope({
    onStop: (st) => say(c.yellow(`${st.name}: stopping; removing doctor's containers...`)),
  });
  const session = await scope
    .session({ onBuild: () => say(c.dim("building the probe image...")) })
    .catch((e) => {
      if (scope.stopped) return null;
      throw e;
    });
  if (!session) return scope.exitCode(130);
  found(
    `${o.green("ok")}  engine ${session.version}, cgroup v${session.cgroup ?? "?"}, image ${session.image.tag}`,
  );
  const infos = await probeInfos([], null);
  const checks: {
    fence: string;
    ok: boolean;
    probe: string;
    message: string;
    observed: unknown;
  }[] = [];
  const fencesSeen: ProbeResult["fence"][] = [];
  let cpuResult = null as ProbeResult | null;
  await Promise.all(
    FENCE_PROOFS.map(async (f) => {
      const probe = infos.find((p) => p.id === f.probe);
      if (!probe) return;
      const [r] = await runBatch(
        (spec, io) => session.engine.run(spec, io),
        () => ({
          image: session.image.tag,
          runId: session.runId,
          cmd: runnerCmd([probe]),
          limits: limitsFor(f.category, DEFAULT_LIMITS, []),
        }),
        [probe],
        () => {},
        scope.signal,
      );
      if (!r) return;
      if (f.fence === "cpus") {
        cpuResult = r;
        return;
      }
      fencesSeen.push(r.fence);
      checks.push({
        fence: f.fence,
        ok: r.status === "pass",
        probe: f.probe,
        message: r.message,
        observed: r.observed,
      });
    }),
  );
  if (scope.stopped) return scope.stopped.code;
  // cpus: a quota read back and a measured throttle in the cpu container (cpuProof).
  if (cpuResult) {
    checks.push({
      fence: "cpus",
      ...cpuProof(cpuResult, fencesSeen),
      probe: cpuResult.id,
      observed: cpuResult.observed,
    });
  }
  const order = FENCE_PROOFS.map((f) => f.fence);
  checks.sort((a, b) => order.indexOf(a.fence) - order.indexOf(b.fence));
  for (const ch of checks)
    found(`${ch.ok ? o.green("ok") : o.red("NO")}  ${ch.fence.padEnd(7)} ${ch.message}`);
  const ok = checks.length === FENCE_PROOFS.length && checks.every((x) => x.ok);
  if (v.json) {
    process.stdout.write(
      `${JSON.stringify({ ok, engine: { version: session.version, cgroup: session.cgroup }, image: session.image.tag, fences: checks }, null, 2)}\n`,
    );
  }
  return ok ? 0 : 3;
}
