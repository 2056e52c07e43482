import { CATEGORIES, type Category } from "@brink/probes";
import type { Limits } from "../engine/container-spec.ts";

/**
 * The limit each category's probes need in force, as the runner's CATEGORY_FENCE has it. A
 * category not named here (a new one) exhausts no limit of its own.
 */
const LIMIT_OF: Partial<Record<string, keyof Limits>> = {
  oom: "memory",
  disk: "disk",
  stack: "stack",
  fd: "nofile",
  pids: "pids",
  cpu: "cpus",
  net: "nofile",
};

/**
 * The limit a category's probes push against, or null when they push against none of
 * brink's limits.
 *
 * @example
 * limitOf("fd") // "nofile"
 */
export function limitOf(category: Category | string): keyof Limits | null {
  return LIMIT_OF[category] ?? null;
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
