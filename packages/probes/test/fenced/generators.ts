// Runs inside a brink fence (see generators.test.ts): exercises each pressure generator on
// its own and prints one JSON line of what each reached.
import { readdirSync, readlinkSync } from "node:fs";
import { exhaustStack, fillDisk, holdMemory, openDescriptors, spawnProcesses } from "@brink/probes";

const fds = () => readdirSync("/proc/self/fd").length;
const out: Record<string, unknown> = {};
{
  await using m = await holdMemory({ bytes: 32 * 2 ** 20, workers: 3 });
  out.memory = {
    reached: m.reached,
    requested: m.requested,
    held: (m.usageHeld ?? 0) - (m.usageBefore ?? 0),
  };
}
{
  const before = fds();
  const f = await openDescriptors({ target: 50, workers: 2 });
  out.fdTarget = { opened: f.opened, error: f.error };
  await f.release();
  const g = await openDescriptors({});
  await g.release();
  out.fd = { opened: g.opened, error: g.error, limit: g.limit, leaked: fds() - before };
}
{
  const p = await openDescriptors({ kind: "pipe", workers: 2 });
  // readlink needs no descriptor of its own, so it works at EMFILE (readdir does not).
  let pipes = 0;
  for (let fd = 3; fd < 1024; fd++) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith("pipe:")) pipes++;
    } catch {}
  }
  await p.release();
  out.pipe = { opened: p.opened, error: p.error, pipes };
}
{
  const d = await fillDisk({ writers: 3 });
  out.disk = { written: d.written, error: d.error, files: d.files.length };
  await d.release();
  const t = await fillDisk({ target: 4 * 2 ** 20 });
  out.diskTarget = { written: t.written, error: t.error };
  await t.release();
}
out.stack = await exhaustStack({ shape: "mutual" });
{
  const p = await spawnProcesses({ target: 10 });
  out.pidsTarget = { spawned: p.spawned, error: p.error };
  await p.release();
  out.pidsReaped = p.reaped;
}
console.log(JSON.stringify(out));
