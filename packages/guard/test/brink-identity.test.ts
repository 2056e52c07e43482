import { describe, expect, test } from "bun:test";
import {
  BRINK_TOKEN_PATTERN,
  brinkHostname,
  newBrinkToken,
  notStartedByBrink,
  readHostname,
} from "../src/index.ts";
import { fixtureEnv, fixtureRoot } from "./fixtures.ts";

describe("brink's per-container identity", () => {
  test("a token is 32 lowercase hex characters, fresh each time, and its hostname fits", () => {
    const a = newBrinkToken();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(BRINK_TOKEN_PATTERN.test(a)).toBe(true);
    expect(newBrinkToken()).not.toBe(a);
    expect(brinkHostname(a)).toBe(`brink-${a}`);
    expect(brinkHostname(a).length).toBeLessThanOrEqual(63);
  });

  test("the hostname comes from <root>/proc/sys/kernel/hostname", () => {
    expect(readHostname(fixtureRoot("docker-foreign"))).toBe("2bfcb2afdec5");
  });

  test("a container brink started passes; the same tree with another token does not", () => {
    const root = fixtureRoot("docker-v2");
    expect(notStartedByBrink({ root, env: fixtureEnv("docker-v2") })).toBeNull();
    expect(notStartedByBrink({ root, env: { BRINK_TOKEN: "b7d9f1a3c5e2d4f7" } })).toContain(
      'not "brink-b7d9f1a3c5e2d4f7"',
    );
    expect(notStartedByBrink({ root, env: { BRINK_TOKEN: "b7d9f1a3" } })).toContain(
      "not 16 or more lowercase hex",
    );
  });
});
