/**
 * Turns whatever a probe returned or threw into plain, JSON-safe values, never throwing:
 * probes are the user's code under test and may hand back BigInts, cycles, huge shared
 * graphs, functions, Proxies that throw, objects with a `__proto__` key, or no verdict at
 * all. Everything used here is captured at import, before any suite loads, and the JSON is
 * written without JSON.stringify on objects: a suite that patches JSON, String,
 * `Object.prototype.toJSON` or `Buffer.from` does not change how results are written.
 */
const stringify = JSON.stringify;
const toStr = String;
const keysOf = Object.keys;
const isArray = Array.isArray;
const define = Object.defineProperty;
const create = Object.create;
const hasOwn = Object.hasOwn;
const finite = Number.isFinite;

/** The most values one `plain` copy visits; past it, "[too large]" (a shared graph can be exponential). */
export const PLAIN_BUDGET = 100_000;

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

/** A plain object with no prototype: keys like `__proto__` stay ordinary keys. */
export type PlainObject = Record<string, unknown>;

/**
 * A JSON-safe copy of `v`: BigInt as text, functions and symbols named, cycles and depth
 * beyond 20 cut, getters that throw replaced, at most {@link PLAIN_BUDGET} values visited;
 * objects come back without a prototype, so every key is an own key. Never throws.
 *
 * @example
 * plain({ n: 1n, f() {} }) // { n: "1n", f: "[function f]" }
 */
export function plain(v: unknown): unknown {
  return copy(v, 0, new Set(), { left: PLAIN_BUDGET });
}

function copy(v: unknown, depth: number, seen: Set<object>, budget: { left: number }): unknown {
  try {
    if (--budget.left < 0) return "[too large]";
    if (v === null || typeof v === "boolean" || typeof v === "string") return v;
    if (typeof v === "number") return finite(v) ? v : toStr(v);
    if (typeof v === "bigint") return `${toStr(v)}n`;
    if (typeof v === "undefined") return null;
    if (typeof v === "function")
      return `[function ${safeText((v as { name?: unknown }).name, 200)}]`;
    if (typeof v === "symbol") return safeText(v, 200);
    const o = v as object;
    if (seen.has(o)) return "[cycle]";
    if (depth >= 20) return "[too deep]";
    seen.add(o);
    try {
      if (o instanceof Error)
        return own({ name: safeText(o.name, 200), message: safeText(o.message) });
      if (isArray(o)) {
        const out: unknown[] = [];
        for (let i = 0; i < o.length && i < 10_000; i++)
          out[i] = copy(o[i], depth + 1, seen, budget);
        return out;
      }
      const out: PlainObject = create(null);
      for (const k of keysOf(o).slice(0, 10_000)) {
        let x: unknown;
        try {
          x = (o as Record<string, unknown>)[k];
        } catch {
          x = "[getter threw]";
        }
        define(out, k, {
          value: copy(x, depth + 1, seen, budget),
          enumerable: true,
          writable: true,
        });
      }
      return out;
    } finally {
      seen.delete(o);
    }
  } catch {
    return "[value that cannot be shown]";
  }
}

/** An own-keys, prototype-free copy of a small object literal. */
function own(fields: Record<string, unknown>): PlainObject {
  const out: PlainObject = create(null);
  for (const k of keysOf(fields))
    define(out, k, { value: fields[k], enumerable: true, writable: true });
  return out;
}

/** JSON text of a value `plain` made (strings, finite numbers, booleans, null, arrays, objects). */
function toJson(v: unknown): string {
  if (v === null || typeof v === "boolean") return toStr(v);
  if (typeof v === "number") return finite(v) ? toStr(v) : "null";
  if (typeof v === "string") return stringify(v);
  // Plain loops and concatenation: no Array.prototype method a suite could have patched.
  if (isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += (i ? "," : "") + toJson(v[i]);
    return `${out}]`;
  }
  if (typeof v === "object") {
    const keys = keysOf(v);
    let out = "{";
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      out += `${i ? "," : ""}${stringify(k)}:${toJson((v as PlainObject)[k])}`;
    }
    return `${out}}`;
  }
  return "null";
}

/** JSON text of `v` after {@link plain}; never throws, whatever the suite patched. */
export function safeJson(v: unknown): string {
  try {
    return toJson(plain(v));
  } catch {
    return "null";
  }
}

/** Whether `o` has `key` as an own property (never read through a prototype). */
export function ownKey(o: unknown, key: string): boolean {
  try {
    return typeof o === "object" && o !== null && hasOwn(o, key);
  } catch {
    return false;
  }
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
    name: typeof name === "string" ? safeText(name, 200) : e === null ? "null" : typeof e,
    message: typeof message === "string" ? safeText(message) : safeText(e),
    ...(typeof code === "string" || typeof code === "number" ? { code: safeText(code, 200) } : {}),
    ...(typeof stack === "string"
      ? { stack: stack.split("\n").slice(0, 6).join("\n").slice(0, 1500) }
      : {}),
  };
}
