/**
 * The slice of the Docker Engine API brink uses (Podman serves the same), over Bun's fetch:
 * a unix socket or an http(s) address. Not dockerode: importing it costs every command
 * ~95 ms (it loads ssh2 and @grpc/grpc-js at require time), a third of `brink exec`'s whole
 * run. Method names and shapes follow dockerode's, so the code reads the same.
 *
 * An answer outside 2xx/304 throws an Error carrying `statusCode` and the engine's `json`
 * ({ message }); no answer at all (refused, reset, closed) throws fetch's own error, with
 * no `statusCode` (see engineError).
 */

/** Where the engine listens. */
export type EngineAddress = { socketPath: string } | { baseUrl: string };

/** A row of `GET /containers/json`. */
export interface ContainerSummary {
  Id: string;
  Names?: string[];
  Image?: string;
  Labels?: Record<string, string>;
  State?: string;
  Status?: string;
  Created: number;
}

/** A row of `GET /images/json`. */
export interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  Labels?: Record<string, string> | null;
  Created: number;
}

/** What brink reads of `GET /containers/{id}/json`. */
export interface ContainerInspect {
  Id: string;
  State: { Running: boolean; ExitCode: number; OOMKilled?: boolean; Status?: string };
  Config?: { Labels?: Record<string, string> };
  HostConfig?: HostConfig;
}

/** A container's HostConfig (the fields brink sets and reads). */
export interface HostConfig {
  Memory?: number;
  MemorySwap?: number;
  PidsLimit?: number;
  NanoCpus?: number;
  Ulimits?: { Name: string; Soft: number; Hard: number }[];
  Tmpfs?: Record<string, string>;
  Binds?: string[];
  CapDrop?: string[];
  SecurityOpt?: string[];
  ShmSize?: number;
  AutoRemove?: boolean;
  NetworkMode?: string;
  ReadonlyRootfs?: boolean;
  Init?: boolean;
  [key: string]: unknown;
}

/** The body of `POST /containers/create` (the fields brink sets). */
export interface ContainerCreateOptions {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  Labels?: Record<string, string>;
  User?: string;
  WorkingDir?: string;
  Hostname?: string;
  NetworkDisabled?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  HostConfig?: HostConfig;
  [key: string]: unknown;
}

/** Query filters, as `{ label: ["a=b"] }`. */
export type Filters = Record<string, string[]>;

/** A container's or an exec's output: its bytes as they come, `destroy()` to stop reading. */
export interface EngineStream extends AsyncIterable<Uint8Array> {
  destroy(): void;
}

/** One message of a build's progress stream. */
export interface BuildMessage {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

type Query = Record<string, string | number | boolean | undefined>;

interface RequestOptions {
  query?: Query;
  json?: unknown;
  body?: ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** For calls that may stay quiet a long time (wait, attach, build): no idle timeout. */
  long?: boolean;
}

function queryString(q: Query = {}): string {
  const parts = Object.entries(q)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

/** An error for an engine's answer outside 2xx: its status and its words. */
async function answerError(r: Response, what: string): Promise<Error> {
  const text = await r.text().catch(() => "");
  let json: { message?: string } | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = text ? { message: text.trim() } : undefined;
  }
  const message = json?.message ?? `${what}: HTTP ${r.status}`;
  return Object.assign(new Error(`(HTTP code ${r.status}) ${message}`), {
    statusCode: r.status,
    json,
  });
}

/** A response body as an EngineStream; `destroy` aborts the request and ends the stream. */
function streamOf(r: Response, abort: AbortController): EngineStream {
  const body = r.body;
  return {
    async *[Symbol.asyncIterator]() {
      if (!body) return;
      try {
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) yield chunk;
      } catch (e) {
        // destroy() ends it quietly; anything else (the engine went away) is the reader's
        if (!abort.signal.aborted) throw e;
      }
    },
    destroy() {
      abort.abort();
    },
  };
}

/**
 * A Docker (or Podman) engine. Every call is one HTTP request.
 *
 * @example
 * const docker = new DockerApi({ socketPath: "/var/run/docker.sock" });
 * const { Version } = await docker.version();
 */
export class DockerApi {
  readonly #base: string;
  readonly #unix: string | undefined;

  constructor(address: EngineAddress) {
    if ("socketPath" in address) {
      this.#base = "http://engine";
      this.#unix = address.socketPath;
    } else {
      this.#base = address.baseUrl.replace(/\/+$/, "");
      this.#unix = undefined;
    }
  }

  /** One call; throws on an answer outside 2xx/304, returns the response otherwise. */
  async request(method: string, path: string, o: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...o.headers };
    let body: string | ReadableStream<Uint8Array> | undefined;
    if (o.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(o.json);
    } else if (o.body) body = o.body;
    const r = await fetch(`${this.#base}${path}${queryString(o.query)}`, {
      method,
      headers,
      body,
      signal: o.signal,
      ...(this.#unix ? { unix: this.#unix } : {}),
      ...(o.long ? { timeout: false } : {}),
      ...(o.body ? { duplex: "half" } : {}),
    } as RequestInit);
    if (!r.ok && r.status !== 304) throw await answerError(r, `${method} ${path}`);
    return r;
  }

  async #json<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const r = await this.request(method, path, o);
    const text = await r.text();
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Resolves when the engine answers `GET /_ping`. */
  async ping(): Promise<void> {
    await (await this.request("GET", "/_ping")).text();
  }

  version(): Promise<{ Version: string; ApiVersion?: string; Components?: { Name: string }[] }> {
    return this.#json("GET", "/version");
  }

  info(): Promise<{ CgroupVersion?: string } & Record<string, unknown>> {
    return this.#json("GET", "/info");
  }

  listContainers(o: { all?: boolean; filters?: Filters } = {}): Promise<ContainerSummary[]> {
    return this.#json("GET", "/containers/json", {
      query: { all: o.all, filters: o.filters && JSON.stringify(o.filters) },
    });
  }

  listImages(o: { filters?: Filters } = {}): Promise<ImageSummary[]> {
    return this.#json("GET", "/images/json", {
      query: { filters: o.filters && JSON.stringify(o.filters) },
    });
  }

  async createContainer(options: ContainerCreateOptions): Promise<Container> {
    const { Id } = await this.#json<{ Id: string }>("POST", "/containers/create", {
      json: options,
    });
    return new Container(this, Id);
  }

  getContainer(id: string): Container {
    return new Container(this, id);
  }

  getImage(name: string): Image {
    return new Image(this, name);
  }

  /**
   * Builds an image from a tar stream; resolves with the build's progress messages (a
   * failed build is a message with `error`, not a rejection). Aborting `signal` drops the
   * connection, and the engine abandons the build.
   */
  async buildImage(
    tar: ReadableStream<Uint8Array>,
    o: { t: string; labels?: Record<string, string>; rm?: boolean; forcerm?: boolean },
    signal?: AbortSignal,
  ): Promise<BuildMessage[]> {
    const r = await this.request("POST", "/build", {
      query: {
        t: o.t,
        rm: o.rm,
        forcerm: o.forcerm,
        labels: o.labels && JSON.stringify(o.labels),
      },
      headers: { "content-type": "application/x-tar" },
      body: tar,
      signal,
      long: true,
    });
    const out: BuildMessage[] = [];
    for (const line of (await r.text()).split("\n")) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as BuildMessage);
      } catch {
        out.push({ stream: line });
      }
    }
    return out;
  }
}

/** A container by id. */
export class Container {
  constructor(
    private readonly api: DockerApi,
    readonly id: string,
  ) {}

  #path(rest = ""): string {
    return `/containers/${encodeURIComponent(this.id)}${rest}`;
  }

  async #call(method: string, rest: string, o: RequestOptions = {}): Promise<void> {
    await (await this.api.request(method, this.#path(rest), o)).text();
  }

  async inspect(): Promise<ContainerInspect> {
    return (await this.api.request("GET", this.#path("/json"))).json() as Promise<ContainerInspect>;
  }

  start(): Promise<void> {
    return this.#call("POST", "/start");
  }

  /** SIGKILL unless `signal` names another. */
  kill(o: { signal?: string } = {}): Promise<void> {
    return this.#call("POST", "/kill", { query: { signal: o.signal } });
  }

  remove(o: { force?: boolean; v?: boolean } = {}): Promise<void> {
    return this.#call("DELETE", "", { query: { force: o.force, v: o.v } });
  }

  update(o: Record<string, unknown>): Promise<void> {
    return this.#call("POST", "/update", { json: o });
  }

  /** Resolves when the container has exited, with its status code. */
  async wait(): Promise<{ StatusCode: number }> {
    const r = await this.api.request("POST", this.#path("/wait"), { long: true });
    return (await r.json()) as { StatusCode: number };
  }

  /** Its stdout and stderr from now on (multiplexed frames unless it has a TTY). */
  async attach(o: { stdout?: boolean; stderr?: boolean } = {}): Promise<EngineStream> {
    const abort = new AbortController();
    const r = await this.api.request("POST", this.#path("/attach"), {
      query: { stream: true, stdout: o.stdout ?? true, stderr: o.stderr ?? true },
      signal: abort.signal,
      long: true,
    });
    return streamOf(r, abort);
  }

  async exec(o: {
    Cmd: string[];
    AttachStdout?: boolean;
    AttachStderr?: boolean;
    Tty?: boolean;
  }): Promise<Exec> {
    const r = await this.api.request("POST", this.#path("/exec"), { json: o });
    const { Id } = (await r.json()) as { Id: string };
    return new Exec(this.api, Id);
  }
}

/** A command started in a running container. */
export class Exec {
  constructor(
    private readonly api: DockerApi,
    readonly id: string,
  ) {}

  /** Starts it attached: its output, as a stream. */
  async start(): Promise<EngineStream> {
    const abort = new AbortController();
    const r = await this.api.request("POST", `/exec/${encodeURIComponent(this.id)}/start`, {
      json: { Detach: false, Tty: false },
      signal: abort.signal,
      long: true,
    });
    return streamOf(r, abort);
  }

  async inspect(): Promise<{ Running: boolean; ExitCode: number | null }> {
    const r = await this.api.request("GET", `/exec/${encodeURIComponent(this.id)}/json`);
    return (await r.json()) as { Running: boolean; ExitCode: number | null };
  }
}

/** An image by name or id (a name may hold "/" and ":": the API takes it as it is). */
export class Image {
  constructor(
    private readonly api: DockerApi,
    readonly name: string,
  ) {}

  async inspect(): Promise<{ Id: string; Config?: { Labels?: Record<string, string> } }> {
    const r = await this.api.request("GET", `/images/${this.name}/json`);
    return (await r.json()) as { Id: string };
  }

  async remove(o: { force?: boolean } = {}): Promise<void> {
    const r = await this.api.request("DELETE", `/images/${this.name}`, {
      query: { force: o.force },
    });
    await r.text();
  }
}
