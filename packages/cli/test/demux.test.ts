import { expect, test } from "bun:test";
import { demux } from "../src/engine/demux.ts";

const frame = (type: number, text: string) => {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = type;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

async function collect(chunks: Buffer[]) {
  async function* source() {
    for (const c of chunks) yield c;
  }
  const out: string[] = [];
  for await (const f of demux(source())) out.push(`${f.stream}:${f.data.toString()}`);
  return out;
}

test("demux: frames split anywhere across chunks come out whole, in order, per stream", async () => {
  const all = Buffer.concat([
    frame(1, "hello "),
    frame(2, "oops"),
    frame(1, "world"),
    frame(1, ""),
  ]);
  for (let cut = 1; cut < all.length; cut += 3) {
    const got = await collect([
      all.subarray(0, cut),
      all.subarray(cut, cut + 5),
      all.subarray(cut + 5),
    ]);
    expect(got).toEqual(["stdout:hello ", "stderr:oops", "stdout:world"]);
  }
});

test("demux: an unframed stream passes through as stdout; a cut frame keeps what arrived", async () => {
  expect(await collect([Buffer.from("plain text, no headers at all")])).toEqual([
    "stdout:plain text, no headers at all",
  ]);
  expect(await collect([frame(2, "partial line").subarray(0, 12)])).toEqual(["stderr:part"]);
});

test("demux: a slow consumer is never handed more than it pulls (backpressure)", async () => {
  let produced = 0;
  async function* source() {
    for (let i = 0; i < 1000; i++) {
      produced++;
      yield frame(1, "x".repeat(1000));
    }
  }
  const it = demux(source());
  await it.next();
  await it.next();
  expect(produced).toBeLessThanOrEqual(3);
  await it.return(undefined);
});
