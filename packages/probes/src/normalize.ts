/**
 * Turns whatever a probe returned or threw into plain, JSON-safe values, never throwing:
 * probes are the user's code under test and may hand back BigInts, cycles, functions,
 * Proxies that throw, or no verdict at all. Captured at import, before any suite loads, so
 * a suite that patches JSON or String does not change how results are written.
 */
const stringify = JSON.stringify;
const toStr = String;
const keysOf = Object.keys;
const isArray = Array.isArray;

/** Text of any value, never throwing (a Proxy or a throwing toString gives a placeholder). */
export function safeText(v: unknown, max = 4000): string {
  let s: string;
  try {
    s = typeof v === "string" ? v : toStr(v);
  } catch {
    s = `[${typeof v} that cannot be shown]`;
  }
  return s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters)` : s;
}

/**
 * A JSON-safe copy of `v`: BigInt as text, functions and symbols named, cycles and depth
 * beyond 20 cut, getters that throw replaced. Never throws.
 *
 * @example
 * plain({ n: 1n, f() {} }) // { n: "1n", f: "[function f]" }
 */
export function plain(v: unknown, depth = 0, seen: Set<object> = new Set()): unknown {
  try {
    if (v === null || typeof v === "boolean" || typeof v === "string") return v;
    if (typeof v === "number") return Number.isFinite(v) ? v : toStr(v);
    if (typeof v === "bigint") return `${toStr(v)}n`;
    if (typeof v === "undefined") return null;
    if (typeof v === "function") return `[function ${safeText((v as { name?: unknown }).name)}]`;
    if (typeof v === "symbol") return safeText(v);
    const o = v as object;
    if (seen.has(o)) return "[cycle]";
    if (depth >= 20) return "[too deep]";
    seen.add(o);
    try {
      if (o instanceof Error) return { name: safeText(o.name), message: safeText(o.message) };
      if (isArray(o)) return o.slice(0, 10_000).map((x) => plain(x, depth + 1, seen));
      const out: Record<string, unknown> = {};
      for (const k of keysOf(o).slice(0, 10_000)) {
        let x: unknown;
        try {
          x = (o as Record<string, unknown>)[k];
        } catch {
          x = "[getter threw]";
        }
        out[k] = plain(x, depth + 1, seen);
      }
      return out;
    } finally {
      seen.delete(o);
    }
  } catch {
    return "[value that cannot be shown]";
  }
}

/** JSON text of `v` after {@link plain}; never throws. */
export function safeJson(v: unknown): string {
  return stringify(plain(v)) ?? "null";
}

/** Name, message, code and the first stack lines of a thrown value, never throwing. */
export function describeThrown(e: unknown): {
  name: string;
  message: string;
  code?: string;
  stack?: string;
} {
  const get = (k: string): unknown => {
    try {
      return e !== null && (typeof e === "object" || typeof e === "function")
        ? (e as Record<string, unknown>)[k]
        : undefined;
    } catch {
      return undefined;
    }
  };
  const name = get("name");
  const message = get("message");
  const code = get("code");
  const stack = get("stack");
  return {
    name: typeof name === "string" ? name : e === null ? "null" : typeof e,
    message: typeof message === "string" ? safeText(message) : safeText(e),
    ...(typeof code === "string" || typeof code === "number" ? { code: safeText(code) } : {}),
    ...(typeof stack === "string"
      ? { stack: stack.split("\n").slice(0, 6).join("\n").slice(0, 1500) }
      : {}),
  };
}
