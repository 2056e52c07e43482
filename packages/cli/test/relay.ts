import { connect, createServer, type Socket } from "node:net";

/**
 * A relay in front of the real engine's unix socket, listening on a unix path or on a
 * loopback TCP port (port 0: any free one). brink talks to it as to any engine: stopping it
 * is the engine going away; the TCP form is what a remote engine looks like.
 */
export function relay(listen: string | { port: 0 }, upstream: string) {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const up = connect(upstream);
    for (const s of [client, up]) {
      open.add(s);
      s.on("error", () => {});
      s.on("close", () => open.delete(s));
    }
    client.pipe(up);
    up.pipe(client);
  });
  const listening = new Promise<number | null>((resolve) => {
    if (typeof listen === "string") server.listen(listen, () => resolve(null));
    else server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
  return {
    listening,
    stop() {
      server.close();
      for (const s of open) s.destroy();
    },
  };
}
