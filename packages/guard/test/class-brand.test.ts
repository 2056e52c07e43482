import { expect, test } from "bun:test";
import { CLASS_BRAND, isBrandedInstance } from "../src/class-brand.ts";

/** Two copies of one package's classes, as a bundle and the sources give them. */
function copy() {
  abstract class Base {
    readonly made = Date.now();
    static readonly [CLASS_BRAND]: string = "Base";
    static [Symbol.hasInstance](v: unknown): boolean {
      // biome-ignore lint/complexity/noThisInStatic: the class on the right of instanceof
      return isBrandedInstance(this, v);
    }
  }
  class A extends Base {
    static override readonly [CLASS_BRAND] = "A";
  }
  class B extends Base {
    static override readonly [CLASS_BRAND] = "B";
  }
  class Plain {}
  return { Base, A, B, Plain };
}

test("an instance made by one copy is an instance of the other copy's class", () => {
  const one = copy();
  const two = copy();
  const a = new one.A();
  expect(a instanceof two.A).toBe(true);
  expect(a instanceof two.Base).toBe(true);
  expect(a instanceof two.B).toBe(false);
  expect(new one.B() instanceof two.A).toBe(false);
  expect(a instanceof one.A).toBe(true);
});

test("only a class that carries its own brand matches; anything else is not an instance", () => {
  const one = copy();
  const other = copy();
  expect(isBrandedInstance(one.Plain, new other.Plain())).toBe(false);
  for (const v of [null, undefined, 3, "A", {}, Object.create(null)])
    expect(isBrandedInstance(one.A, v)).toBe(false);
  // An object that merely names the brand on itself is not an instance: the brand is the
  // class's own static field, found through the prototype chain's constructors.
  expect(isBrandedInstance(one.A, { [CLASS_BRAND]: "A" })).toBe(false);
});

test("a subclass a user makes answers for itself: a base instance is not one of it", () => {
  const { A } = copy();
  class Mine extends A {}
  expect(new A() instanceof Mine).toBe(false);
  expect(new Mine() instanceof Mine).toBe(true);
  expect(new Mine() instanceof A).toBe(true);
});
