import { CATEGORIES, CATEGORY_FENCE, type Category } from "@brink/probes/host";
import type { Limits } from "../engine/container-spec.ts";

/**
 * The limit a category's probes push against, or null when they push against none of
 * brink's limits.
 *
 * @example
 * limitOf("fd") // "nofile"
 */
export function limitOf(category: Category | string): keyof Limits | null {
  // The runner's own table: the fence each category's probes need in force.
  return (CATEGORY_FENCE as Partial<Record<string, keyof Limits>>)[category] ?? null;
}

/**
 * The limits some categories need, in the order of the limit flags, each once.
 *
 * @example
 * limitsNeeded(["fd", "oom"]) // ["memory", "nofile"]
 */
export function limitsNeeded(categories: readonly string[]): (keyof Limits)[] {
  const order: (keyof Limits)[] = ["memory", "disk", "stack", "nofile", "pids", "cpus"];
  const need = new Set(categories.map(limitOf));
  return order.filter((l) => need.has(l));
}

/** The categories in brink's order (CATEGORIES), of those given. */
export function inCategoryOrder<T extends string>(categories: Iterable<T>): T[] {
  const have = new Set<string>(categories);
  const known = (CATEGORIES as readonly string[]).filter((c) => have.has(c)) as T[];
  return [...known, ...[...have].filter((c) => !known.includes(c as T))] as T[];
}
