// A user suite: probes for examples/kv-store.ts, run with
//   brink run --suite examples/suite.ts
import { join } from "node:path";
import { defineProbe, verdict } from "@brink/probes";
import { load, save } from "./kv-store.ts";

const big = { items: Array.from({ length: 50_000 }, (_, i) => `value number ${i}`) };

export const kvSaveSurvivesEnospc = defineProbe({
  id: "disk.kv-save-survives-enospc",
  category: "disk",
  title: "kv-store: a save that hits ENOSPC keeps the old data and leaves no temp file",
  async run(ctx) {
    const file = join(ctx.scratch, "store.json");
    save(file, { version: 1 });
    const full = await ctx.pressure.fillDisk({ dir: ctx.scratch, margin: 64 * 1024 });
    let code: string | undefined;
    try {
      save(file, big);
    } catch (e) {
      code = (e as NodeJS.ErrnoException).code;
    }
    const after = load(file);
    const tmpLeft = await Bun.file(`${file}.tmp`).exists();
    await full.release();
    save(file, big);
    const recovered = (load(file).items as unknown[]).length === big.items.length;
    return verdict(
      code === "ENOSPC" && after.version === 1 && !tmpLeft && recovered,
      `save failed with ${code}; old data ${after.version === 1 ? "kept" : "lost"}`,
      {
        code,
        oldKept: after.version === 1,
        tmpLeft,
        recovered,
      },
    );
  },
});

export const kvLoadUnderEmfile = defineProbe({
  id: "fd.kv-load-under-emfile",
  category: "fd",
  title: "kv-store: load at EMFILE throws a catchable error and works once descriptors return",
  async run(ctx) {
    const file = join(ctx.scratch, "store.json");
    save(file, { version: 1 });
    const fds = await ctx.pressure.openDescriptors({ kind: "file" });
    let code: string | undefined;
    try {
      load(file);
    } catch (e) {
      code = (e as NodeJS.ErrnoException).code;
    }
    await fds.release();
    const again = load(file).version === 1;
    return verdict(
      code === "EMFILE" && again,
      `load at EMFILE -> ${code}; after release: ${again ? "ok" : "failed"}`,
      { code, again, opened: fds.opened },
    );
  },
});
