import { defineProbe, type Probe, verdict } from "../probe.ts";
import { runBunChild } from "./child.ts";
import { recover } from "./recovery.ts";

function recurse(n: number, limit: number): number {
  return n >= limit ? n : recurse(n + 1, limit);
}

function nested(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

export const stackProbes: Probe[] = [
  defineProbe({
    id: "stack.deep-recursion-caught",
    category: "stack",
    title: "plain deep recursion throws a catchable RangeError and the process goes on",
    async run(ctx) {
      const s = await ctx.pressure.exhaustStack({ shape: "plain" });
      const after = recurse(0, 100);
      return verdict(s.error === "RangeError" && after === 100, `RangeError at depth ${s.depth}`, {
        depth: s.depth,
        error: s.error,
        message: s.message,
      });
    },
  }),
  defineProbe({
    id: "stack.mutual-recursion-caught",
    category: "stack",
    title: "mutual recursion overflows into a catchable RangeError",
    async run(ctx) {
      const s = await ctx.pressure.exhaustStack({ shape: "mutual" });
      return verdict(s.error === "RangeError", `${s.error} at depth ${s.depth}`, {
        depth: s.depth,
        error: s.error,
      });
    },
  }),
  defineProbe({
    id: "stack.large-frames-overflow-sooner",
    category: "stack",
    title: "recursion with large frames overflows at a smaller depth, catchably",
    async run(ctx) {
      const plain = await ctx.pressure.exhaustStack({ shape: "plain" });
      const large = await ctx.pressure.exhaustStack({ shape: "large-frames" });
      return verdict(
        large.error === "RangeError" && large.depth < plain.depth,
        `large frames: depth ${large.depth} vs plain ${plain.depth}`,
        {
          plainDepth: plain.depth,
          largeDepth: large.depth,
          error: large.error,
        },
      );
    },
  }),
  defineProbe({
    id: "stack.deep-json-parse",
    category: "stack",
    title: "JSON.parse of 100k nested arrays either parses or throws catchably",
    run() {
      let outcome = "parsed";
      try {
        JSON.parse(nested(100_000));
      } catch (e) {
        outcome = (e as Error).name;
      }
      return verdict(outcome === "parsed" || outcome === "RangeError", `JSON.parse -> ${outcome}`, {
        depth: 100_000,
        outcome,
      });
    },
  }),
  defineProbe({
    id: "stack.deep-json-stringify",
    category: "stack",
    title: "JSON.stringify of a 100k-deep object throws a catchable RangeError",
    run() {
      const root: Record<string, unknown> = {};
      let o = root;
      for (let i = 0; i < 100_000; i++) {
        const next = {};
        o.a = next;
        o = next;
      }
      let outcome = "stringified";
      try {
        JSON.stringify(root);
      } catch (e) {
        outcome = (e as Error).name;
      }
      return verdict(outcome === "RangeError", `JSON.stringify -> ${outcome}`, {
        depth: 100_000,
        outcome,
      });
    },
  }),
  defineProbe({
    id: "stack.recovery-after-overflow",
    category: "stack",
    title: "after an overflow, recursion to half the depth reached works again, and how soon",
    async run(ctx) {
      const s = await ctx.pressure.exhaustStack({ shape: "plain" });
      const half = Math.floor(s.depth / 2);
      // The overflow is over once it was caught: from there to a deep recursion that works.
      const r = await recover(performance.now(), () => {
        if (recurse(0, half) !== half) throw new Error("short");
        return half;
      });
      return verdict(
        s.error === "RangeError" && r.value === half,
        `overflow at ${s.depth}, then ${half} deep ${r.value === half ? `fine in ${r.recoveryMs} ms` : `failed (${r.lastError})`}`,
        { depth: s.depth, half, reached: r.value, recoveryMs: r.recoveryMs, tries: r.tries },
      );
    },
  }),
  defineProbe({
    id: "stack.child-overflow-not-a-signal",
    category: "stack",
    title:
      "an uncaught overflow in a child under the stack fence ends with an error exit, not a signal",
    async run() {
      const end = await runBunChild("function f(n){ return f(n+1)+1 } f(0)");
      const sawRangeError = end.stderr.includes("RangeError");
      return verdict(
        end.signal === null && end.exitCode === 1 && sawRangeError,
        `child: exit ${end.exitCode}, signal ${end.signal}, RangeError in stderr: ${sawRangeError}`,
        {
          exitCode: end.exitCode,
          signal: end.signal,
          sawRangeError,
        },
      );
    },
  }),
  defineProbe({
    id: "stack.worker-overflow-caught",
    category: "stack",
    title: "an overflow inside a worker thread is caught there and reported to the parent",
    async run() {
      const code = `const { parentPort } = require("node:worker_threads");
        let d = 0; function f(n) { d = n; return f(n + 1) + 1 }
        try { f(0) } catch (e) { parentPort.postMessage({ name: e.name, depth: d }) }`;
      const { Worker } = await import("node:worker_threads");
      const w = new Worker(code, { eval: true });
      const msg = await new Promise<{ name: string; depth: number } | string>((resolve) => {
        w.once("message", resolve);
        w.once("error", (e) => resolve(`error event: ${e.name}`));
        w.once("exit", (c) => resolve(`exit ${c}`));
      });
      await w.terminate();
      const ok = typeof msg === "object" && msg.name === "RangeError";
      return verdict(
        ok,
        typeof msg === "object" ? `worker caught ${msg.name} at depth ${msg.depth}` : msg,
        { message: msg },
      );
    },
  }),
];
