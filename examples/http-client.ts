// A small HTTP client, the "program under test" of the net example suite (net-suite.ts):
// JSON over fetch with a deadline on every attempt and a few retries on connection errors.
// What a client like it must do against a bad server: time out, never return half a body.

/** Why a call failed: the one error class of this client, with a string code. */
export class ClientError extends Error {
  override readonly name = "ClientError";
  constructor(
    readonly code: "TIMEOUT" | "CONNECTION" | "STATUS" | "BAD_BODY",
    message: string,
    readonly attempts: number,
  ) {
    super(message);
  }
}

/** Options of {@link getJson}. */
export interface GetJsonOptions {
  /** Deadline of each attempt, ms. @default 2000 */
  timeoutMs?: number;
  /** Attempts after the first one, on a connection error or a timeout. @default 2 */
  retries?: number;
}

/**
 * GETs `url` and parses its JSON body; each attempt ends by its deadline, and a connection
 * error or a timeout is retried. Throws ClientError.
 *
 * @example
 * const config = await getJson("http://127.0.0.1:8080/config", { timeoutMs: 500 });
 */
export async function getJson(url: string, options: GetJsonOptions = {}): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const retries = options.retries ?? 2;
  let last: ClientError | null = null;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    let text: string;
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!r.ok) throw new ClientError("STATUS", `${url} answered ${r.status}`, attempt);
      text = await r.text();
    } catch (e) {
      if (e instanceof ClientError) throw e;
      const timedOut = (e as Error).name === "TimeoutError";
      last = new ClientError(
        timedOut ? "TIMEOUT" : "CONNECTION",
        `${url}: ${timedOut ? `no answer within ${timeoutMs} ms` : (e as Error).message}`,
        attempt,
      );
      continue;
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new ClientError("BAD_BODY", `${url} sent a body that is not JSON`, attempt);
    }
  }
  throw last as ClientError;
}
