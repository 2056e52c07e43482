/** One frame of a non-TTY attach stream: which stream it belongs to, and its bytes. */
export interface Frame {
  stream: "stdout" | "stderr";
  data: Buffer;
}

/**
 * Splits Docker's multiplexed attach stream (8-byte headers: stream type, size) into frames,
 * one chunk at a time: the caller pulls, so a slow consumer slows the reading of the socket
 * (backpressure) instead of piling output up in memory. Bytes that are not framed (a TTY
 * stream, or garbage) pass through as stdout.
 *
 * @example
 * for await (const f of demux(attachStream)) await sink(f.stream, f.data);
 */
export async function* demux(source: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<Frame> {
  let buf: Buffer = Buffer.alloc(0);
  let raw = false;
  for await (const chunk of source) {
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (raw) {
      yield { stream: "stdout", data };
      continue;
    }
    buf = buf.length ? Buffer.concat([buf, data]) : data;
    while (buf.length >= 8) {
      const type = buf[0];
      if (type !== 0 && type !== 1 && type !== 2) {
        raw = true;
        yield { stream: "stdout", data: buf };
        buf = Buffer.alloc(0);
        break;
      }
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const payload = buf.subarray(8, 8 + size);
      buf = buf.subarray(8 + size);
      if (size) yield { stream: type === 2 ? "stderr" : "stdout", data: payload };
    }
  }
  // A stream cut mid-frame: keep what arrived of the payload.
  if (buf.length > 8) yield { stream: buf[0] === 2 ? "stderr" : "stdout", data: buf.subarray(8) };
}
