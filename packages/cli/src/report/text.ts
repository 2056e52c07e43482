/** How deep `jsonSafe` copies before it writes "[too deep]" (bounds its recursion). */
export const MAX_DEPTH = 64;

/**
 * A JSON-safe copy of any value: BigInt becomes its digits, cycles "[circular]", nesting
 * past `MAX_DEPTH` "[too deep]", functions and symbols are dropped (as JSON.stringify does),
 * a getter or Proxy that throws becomes "[unreadable]". Never throws.
 *
 * @example
 * jsonSafe({ n: 1n, deep: [[[]]] }) // { n: "1", deep: [[[]]] }
 */
export function jsonSafe(v: unknown, depth = 0, seen = new Set<object>()): unknown {
  try {
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "function" || typeof v === "symbol") return undefined;
    if (v === null || typeof v !== "object") return v;
    if (seen.has(v)) return "[circular]";
    if (depth >= MAX_DEPTH) return "[too deep]";
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map((x) => jsonSafe(x, depth + 1, seen) ?? null);
      const toJSON = (v as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === "function") return jsonSafe(toJSON.call(v), depth + 1, seen);
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        const x = jsonSafe((v as Record<string, unknown>)[k], depth + 1, seen);
        if (x !== undefined) out[k] = x;
      }
      return out;
    } finally {
      seen.delete(v);
    }
  } catch {
    return "[unreadable]";
  }
}

/**
 * JSON text of any value, never throwing (see `jsonSafe`); `undefined` gives "null".
 *
 * @example
 * safeJson({ a: 1n }) // '{"a":"1"}'
 */
export function safeJson(v: unknown, space?: number): string {
  try {
    return JSON.stringify(jsonSafe(v), null, space) ?? "null";
  } catch {
    return '"[unserializable]"';
  }
}

/**
 * Text of any value where a string is expected: strings as they are, nothing for
 * null/undefined, numbers and the like as `String()` gives them, errors as "Name: message",
 * other objects as JSON. Never throws (a hostile Proxy gives "[unprintable]").
 *
 * @example
 * toText(undefined) // ""
 * toText(42) // "42"
 * toText({ a: 1 }) // '{"a":1}'
 */
export function toText(v: unknown): string {
  try {
    if (typeof v === "string") return v;
    if (v === undefined || v === null) return "";
    if (typeof v === "function") return "[function]";
    if (typeof v === "symbol") return v.toString();
    if (typeof v !== "object") return String(v);
    if (v instanceof Error) return `${toText(v.name)}: ${toText(v.message)}`;
    return safeJson(v);
  } catch {
    return "[unprintable]";
  }
}

/**
 * Cuts text to at most `max` code points (never inside a surrogate pair), ending in "…"
 * when it cut.
 *
 * @example
 * clip("abcdef", 4) // "abc…"
 */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cps = Array.from(s);
  return cps.length <= max ? s : `${cps.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/**
 * A finite, non-negative number, or 0.
 *
 * @example
 * nonNegative("12") // 0
 */
export function nonNegative(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0;
}
