import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { readDisk } from "@brink/guard";
import { errorCode } from "../errors.ts";
import { defineProbe, type Probe, verdict } from "../probe.ts";
import { recover } from "./recovery.ts";

const MiB = 2 ** 20;
const free = (dir: string) => readDisk("/", dir)?.free ?? 0;

/** Writes `chunk`-sized blocks with `write` until it throws; returns bytes and the error code. */
function until(
  write: (buf: Buffer) => number,
  chunk = 256 * 1024,
): { written: number; code: string | null } {
  const buf = Buffer.alloc(chunk, 0x41);
  let written = 0;
  try {
    for (;;) {
      const n = write(buf);
      if (n === 0) return { written, code: "ZERO_WRITE" };
      written += n;
    }
  } catch (e) {
    return { written, code: errorCode(e) };
  }
}

export const diskProbes: Probe[] = [
  defineProbe({
    id: "disk.write-until-enospc",
    category: "disk",
    title: "writeSync until the disk fence says ENOSPC",
    run(ctx) {
      const before = free(ctx.scratch);
      const fd = openSync(join(ctx.scratch, "fill"), "w");
      const r = until((b) => writeSync(fd, b));
      closeSync(fd);
      return verdict(r.code === "ENOSPC", `stopped after ${r.written} bytes with ${r.code}`, {
        ...r,
        freeBefore: before,
      });
    },
  }),
  defineProbe({
    id: "disk.append-until-enospc",
    category: "disk",
    title: "appendFileSync until ENOSPC",
    run(ctx) {
      const file = join(ctx.scratch, "log");
      const r = until((b) => {
        appendFileSync(file, b);
        return b.length;
      }, 64 * 1024);
      return verdict(r.code === "ENOSPC", `appended ${r.written} bytes, then ${r.code}`, r);
    },
  }),
  defineProbe({
    id: "disk.bun-write-enospc",
    category: "disk",
    title: "Bun.write of more than the free space rejects with ENOSPC",
    async run(ctx) {
      const size = free(ctx.scratch) + 4 * MiB;
      let code: string | null = null;
      let wrote: number | null = null;
      try {
        wrote = await Bun.write(join(ctx.scratch, "big"), new Uint8Array(size));
      } catch (e) {
        code = errorCode(e);
      }
      return verdict(
        code === "ENOSPC",
        `Bun.write(${size} bytes) -> ${code ?? `resolved ${wrote}`}`,
        { size, code, wrote },
      );
    },
  }),
  defineProbe({
    id: "disk.temp-cleanup-after-failed-write",
    category: "disk",
    title:
      "a write-temp-then-rename that fails with ENOSPC leaves no temp file and the old file whole",
    run(ctx) {
      const target = join(ctx.scratch, "data.json");
      writeFileSync(target, JSON.stringify({ version: 1 }));
      const before = free(ctx.scratch);
      const tmp = `${target}.tmp`;
      let code: string | null = null;
      try {
        const fd = openSync(tmp, "w");
        try {
          const r = until((b) => writeSync(fd, b));
          if (r.code) throw Object.assign(new Error(r.code), { code: r.code });
        } finally {
          closeSync(fd);
        }
        renameSync(tmp, target);
      } catch (e) {
        code = errorCode(e);
        rmSync(tmp, { force: true });
      }
      const leftovers = readdirSync(ctx.scratch).filter((f) => f.endsWith(".tmp"));
      let whole = false;
      try {
        whole = JSON.parse(readFileSync(target, "utf8")).version === 1;
      } catch {}
      const after = free(ctx.scratch);
      const ok = code === "ENOSPC" && leftovers.length === 0 && whole && after >= before * 0.95;
      return verdict(
        ok,
        `failed with ${code}; ${leftovers.length} temp files left; old file ${whole ? "whole" : "damaged"}`,
        {
          code,
          leftovers,
          whole,
          freeBefore: before,
          freeAfter: after,
        },
      );
    },
  }),
  defineProbe({
    id: "disk.recovery-after-freeing",
    category: "disk",
    title: "after the disk is freed, a 1 MiB write succeeds, and how soon",
    async run(ctx) {
      const full = await ctx.pressure.fillDisk({ dir: ctx.scratch, writers: 1 });
      let during: string | null = null;
      try {
        writeFileSync(join(ctx.scratch, "during"), Buffer.alloc(MiB));
      } catch (e) {
        during = errorCode(e);
      }
      const released = performance.now();
      await full.release();
      const r = await recover(released, () =>
        writeFileSync(join(ctx.scratch, "after"), Buffer.alloc(MiB, 1)),
      );
      return verdict(
        full.error === "ENOSPC" && during === "ENOSPC" && r.recoveryMs !== null,
        `full (${full.error}), write while full: ${during}; after freeing: ${r.recoveryMs === null ? `failed (${r.lastError})` : `ok in ${r.recoveryMs} ms`}`,
        {
          filled: full.written,
          fillError: full.error,
          duringError: during,
          recoveryMs: r.recoveryMs,
          tries: r.tries,
        },
      );
    },
  }),
  defineProbe({
    id: "disk.guard-free-space-matches-fence",
    category: "disk",
    title: "free space the guard reports is within 5% of the disk fence",
    run(ctx) {
      const fence = Number(process.env.BRINK_FENCE_DISK);
      const d = ctx.fences.disk;
      const f = free(ctx.scratch);
      const off = fence ? Math.abs(f - fence) / fence : 1;
      return verdict(
        !!d && off <= 0.05,
        `free ${f} vs fence ${fence}: ${(off * 100).toFixed(2)}% off`,
        {
          fence,
          total: d?.total ?? null,
          free: f,
          offByPercent: +(off * 100).toFixed(2),
        },
      );
    },
  }),
  defineProbe({
    id: "disk.concurrent-writers",
    category: "disk",
    title: "four concurrent writers all stop with ENOSPC and together fill the fence",
    async run(ctx) {
      const before = free(ctx.scratch);
      await using full = await ctx.pressure.fillDisk({ dir: ctx.scratch, writers: 4 });
      const ok =
        full.error === "ENOSPC" && full.written >= before * 0.95 && (full.freeAfter ?? 0) < 2 * MiB;
      return verdict(ok, `${full.written} of ${before} free bytes written, then ${full.error}`, {
        freeBefore: before,
        written: full.written,
        error: full.error,
        freeAfter: full.freeAfter,
      });
    },
  }),
  defineProbe({
    id: "disk.no-leftover-after-release",
    category: "disk",
    title: "releasing a fill removes every file it wrote",
    async run(ctx) {
      const full = await ctx.pressure.fillDisk({ dir: ctx.scratch, writers: 2, margin: 8 * MiB });
      await full.release();
      const left = full.files.filter((f) => existsSync(f));
      return verdict(
        left.length === 0 && full.error === null,
        `${full.written} bytes written with an 8 MiB margin; ${left.length} files left`,
        {
          written: full.written,
          error: full.error,
          left,
        },
      );
    },
  }),
];
