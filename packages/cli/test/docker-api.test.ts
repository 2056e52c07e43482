import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerApi } from "../src/engine/docker-api.ts";
import { engineError } from "../src/engine/engine-error.ts";

// A small HTTP server on a unix socket standing where an engine would: it answers as the
// Engine API documents, so what is checked is how the client speaks HTTP and reads answers.
const dir = mkdtempSync(join(tmpdir(), "brink-api-test-"));
const socketPath = join(dir, "engine.sock");
const seen: string[] = [];
const server = Bun.serve({
  unix: socketPath,
  async fetch(req) {
    const url = new URL(req.url);
    seen.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === "/containers/json") return Response.json([{ Id: "c1", Created: 1 }]);
    if (url.pathname === "/containers/gone/json")
      return Response.json({ message: "No such container: gone" }, { status: 404 });
    if (url.pathname === "/containers/c1/start") return new Response(null, { status: 304 });
    if (url.pathname === "/containers/c1/attach") {
      let n = 0;
      return new Response(
        new ReadableStream({
          async pull(c) {
            await Bun.sleep(5);
            c.enqueue(new TextEncoder().encode(`chunk ${n++}\n`));
          },
        }),
        { headers: { "content-type": "application/vnd.docker.raw-stream" } },
      );
    }
    if (url.pathname === "/build") {
      const tar = await req.text();
      return new Response(
        `{"stream":"got ${tar.length} bytes"}\n{"errorDetail":{"message":"boom"},"error":"boom"}\n`,
      );
    }
    return new Response("not found", { status: 404 });
  },
});
afterAll(() => {
  server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});
const api = new DockerApi({ socketPath });

test("queries carry filters as JSON; an answer is parsed", async () => {
  const rows = await api.listContainers({ all: true, filters: { label: ["dev.brink.run=r 1"] } });
  expect(rows).toEqual([{ Id: "c1", Created: 1 }]);
  expect(seen.at(-1)).toBe(
    `GET /containers/json?all=true&filters=${encodeURIComponent('{"label":["dev.brink.run=r 1"]}')}`,
  );
});

test("an answer outside 2xx carries its status and the engine's words; 304 is no error", async () => {
  const e = await api
    .getContainer("gone")
    .inspect()
    .catch((x) => x);
  expect(e.statusCode).toBe(404);
  expect(e.json).toEqual({ message: "No such container: gone" });
  expect(engineError(e, "inspecting").code).toBe("ENGINE_REFUSED");
  await api.getContainer("c1").start();
});

test("no engine at all: an error without a status, which is a lost engine", async () => {
  const e = await new DockerApi({ socketPath: join(dir, "nobody.sock") }).ping().catch((x) => x);
  expect(e).toBeInstanceOf(Error);
  expect(e.statusCode).toBeUndefined();
  expect(engineError(e, "pinging").code).toBe("ENGINE_LOST");
});

test("an attach streams as it comes, and destroy() ends it", async () => {
  const stream = await api.getContainer("c1").attach();
  const got: string[] = [];
  for await (const chunk of stream) {
    got.push(new TextDecoder().decode(chunk));
    if (got.length === 3) stream.destroy();
    if (got.length > 50) break;
  }
  expect(got.slice(0, 3)).toEqual(["chunk 0\n", "chunk 1\n", "chunk 2\n"]);
  expect(got.length).toBeLessThan(10);
});

test("a build sends the tar as a stream and returns its messages, failures among them", async () => {
  const tar = new Blob(["x".repeat(70_000)]).stream();
  const out = await api.buildImage(tar, { t: "brink-probe:t", labels: { a: "b" }, rm: true });
  expect(out).toEqual([
    { stream: "got 70000 bytes" },
    { errorDetail: { message: "boom" }, error: "boom" },
  ]);
  expect(seen.at(-1)).toBe(
    `POST /build?t=brink-probe%3At&rm=true&labels=${encodeURIComponent('{"a":"b"}')}`,
  );
});
