/** Where a brink class keeps its name for {@link isBrandedInstance}. */
export const CLASS_BRAND: unique symbol = Symbol.for("dev.brink.class") as never;

/** A class that carries its brand as an own static `[CLASS_BRAND]` field. */
export type BrandedClass = abstract new (...args: never[]) => unknown;

/**
 * `instanceof` that also holds across copies of a brink package: true when `v` is an
 * ordinary instance of `cls`, or when a prototype on its chain belongs to a class carrying
 * the same brand. Two copies of one package meet inside a probe's process (the image's
 * bundled probe host and the sources a suite imports); an error or a handle made by one is
 * still an instance of the other's class. Brink's classes answer `instanceof` with it.
 *
 * @example
 * class ProbeError extends Error {
 *   static readonly [CLASS_BRAND] = "ProbeError";
 *   static [Symbol.hasInstance](v: unknown) { return isBrandedInstance(this, v); }
 * }
 */
export function isBrandedInstance(cls: BrandedClass, v: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(cls, v)) return true;
  if (!Object.hasOwn(cls, CLASS_BRAND)) return false;
  const want = (cls as unknown as Record<symbol, unknown>)[CLASS_BRAND];
  if ((typeof v !== "object" && typeof v !== "function") || v === null) return false;
  for (let p = Object.getPrototypeOf(v); p !== null; p = Object.getPrototypeOf(p)) {
    const c = Object.hasOwn(p, "constructor") ? (p as { constructor: unknown }).constructor : null;
    if (typeof c === "function" && Object.hasOwn(c, CLASS_BRAND)) {
      if ((c as unknown as Record<symbol, unknown>)[CLASS_BRAND] === want) return true;
    }
  }
  return false;
}
