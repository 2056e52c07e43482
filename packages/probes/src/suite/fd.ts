import { closeSync, openSync, readdirSync } from "node:fs";
import { errorCode } from "../errors.ts";
import { connectOnce } from "../pressure/fd.ts";
import { defineProbe, type Probe, verdict } from "../probe.ts";
import { recover } from "./recovery.ts";

const openCount = () => readdirSync("/proc/self/fd").length;

async function canConnect(port: number): Promise<string> {
  const { socket, code } = await connectOnce(port);
  socket?.destroy();
  return code ?? "ok";
}

export const fdProbes: Probe[] = [
  defineProbe({
    id: "fd.exhaust-until-emfile",
    category: "fd",
    title: "opening files until the nofile fence says EMFILE",
    async run(ctx) {
      await using fds = await ctx.pressure.openDescriptors({ kind: "file" });
      const ok = fds.error === "EMFILE" && fds.limit !== null && fds.opened < fds.limit;
      return verdict(ok, `${fds.opened} opened, then ${fds.error} (limit ${fds.limit})`, {
        opened: fds.opened,
        error: fds.error,
        limit: fds.limit,
      });
    },
  }),
  defineProbe({
    id: "fd.recovery-after-close",
    category: "fd",
    title: "after closing, files open again at once and the same count is reached",
    async run(ctx) {
      const first = await ctx.pressure.openDescriptors({ kind: "file" });
      const released = performance.now();
      await first.release();
      const r = await recover(released, () => closeSync(openSync("/dev/null", "r")));
      const second = await ctx.pressure.openDescriptors({ kind: "file" });
      await second.release();
      return verdict(
        r.recoveryMs !== null &&
          second.error === "EMFILE" &&
          Math.abs(second.opened - first.opened) <= 2,
        `first ${first.opened}; an open worked ${r.recoveryMs ?? "never"} ms after closing; again ${second.opened}`,
        {
          first: first.opened,
          second: second.opened,
          recoveryMs: r.recoveryMs,
          tries: r.tries,
        },
      );
    },
  }),
  defineProbe({
    id: "fd.no-leak-after-release",
    category: "fd",
    title: "/proc/self/fd counts the same before and after exhaustion and release",
    async run(ctx) {
      const before = openCount();
      const fds = await ctx.pressure.openDescriptors({ kind: "file" });
      await fds.release();
      const after = openCount();
      return verdict(
        after <= before,
        `${before} open before, ${after} after (${fds.opened} opened in between)`,
        { before, after, opened: fds.opened, leaked: after - before },
      );
    },
  }),
  defineProbe({
    id: "fd.pipes-until-emfile",
    category: "fd",
    title: "pipe ends until EMFILE; once released, the process still writes to its pipes",
    async run(ctx) {
      const pipes = await ctx.pressure.openDescriptors({ kind: "pipe", workers: 2 });
      await pipes.release();
      let wrote = true;
      try {
        process.stderr.write(
          `[fd.pipes-until-emfile] ${pipes.opened} pipe ends opened and closed\n`,
        );
      } catch {
        wrote = false;
      }
      return verdict(
        pipes.error === "EMFILE" && wrote,
        `${pipes.opened} pipe ends, then ${pipes.error}; writing afterwards: ${wrote ? "ok" : "failed"}`,
        {
          opened: pipes.opened,
          error: pipes.error,
          wroteAfter: wrote,
        },
      );
    },
  }),
  defineProbe({
    id: "fd.concurrent-workers",
    category: "fd",
    title: "four worker threads opening at once stop at EMFILE within the limit",
    async run(ctx) {
      await using fds = await ctx.pressure.openDescriptors({ kind: "file", workers: 4 });
      const ok = fds.error === "EMFILE" && fds.limit !== null && fds.opened < fds.limit;
      return verdict(ok, `${fds.opened} opened by 4 workers, then ${fds.error}`, {
        opened: fds.opened,
        error: fds.error,
        limit: fds.limit,
      });
    },
  }),
  defineProbe({
    id: "fd.sockets-until-error",
    category: "fd",
    title: "loopback sockets until the fence stops them with an error, then a new connection works",
    timeoutMs: 60_000,
    async run(ctx) {
      const socks = await ctx.pressure.openDescriptors({ kind: "socket" });
      await socks.release();
      const { createServer } = await import("node:net");
      const server = createServer((s) => s.destroy());
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const again = await canConnect((server.address() as { port: number }).port);
      server.close();
      const graceful =
        socks.error === "EMFILE" || socks.error === "ECONNREFUSED" || socks.error === "ECONNRESET";
      return verdict(
        graceful && again === "ok",
        `${socks.opened} sockets, then ${socks.error}; afterwards: ${again}`,
        {
          opened: socks.opened,
          error: socks.error,
          limit: socks.limit,
          reconnect: again,
        },
      );
    },
  }),
  defineProbe({
    id: "fd.pool-adapts-to-limit",
    category: "fd",
    title: "a pool sized from the limit the guard read leaves room for ordinary work",
    async run(ctx) {
      const limit = ctx.fence.nofile ?? 256;
      const size = Math.max(1, limit - openCount() - 32);
      await using pool = await ctx.pressure.openDescriptors({ kind: "file", target: size });
      let failures = 0;
      for (let i = 0; i < 100; i++) {
        try {
          closeSync(openSync("/dev/null", "r"));
        } catch {
          failures++;
        }
      }
      return verdict(
        pool.opened === size && failures === 0,
        `pool of ${pool.opened} under limit ${limit}; ${failures} of 100 opens failed`,
        {
          limit,
          pool: pool.opened,
          failures,
        },
      );
    },
  }),
  defineProbe({
    id: "fd.spawn-at-emfile-fails-catchably",
    category: "fd",
    title: "at EMFILE, spawning a process fails with a catchable error",
    async run(ctx) {
      await using fds = await ctx.pressure.openDescriptors({ kind: "file" });
      let code: string | null = null;
      try {
        const p = Bun.spawn(["sleep", "0"], { stdin: "ignore", stdout: "pipe", stderr: "ignore" });
        await p.exited;
      } catch (e) {
        code = errorCode(e);
      }
      return verdict(code === "EMFILE", `Bun.spawn at EMFILE -> ${code ?? "succeeded"}`, {
        error: code,
        opened: fds.opened,
      });
    },
  }),
];
