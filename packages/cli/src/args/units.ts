import { BrinkError } from "../errors.ts";

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 2 ** 10,
  kb: 2 ** 10,
  kib: 2 ** 10,
  m: 2 ** 20,
  mb: 2 ** 20,
  mib: 2 ** 20,
  g: 2 ** 30,
  gb: 2 ** 30,
  gib: 2 ** 30,
};
const MAX_SIZE = 2 ** 40; // 1 TiB: beyond it no fence is meaningful
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function usage(flag: string, value: string, want: string): BrinkError {
  return new BrinkError("USAGE", `${flag} ${JSON.stringify(value)} is not ${want}`);
}

/**
 * Parses a size: 128m, 128M, 128MiB, 1g, 1.5g or plain bytes (binary units).
 *
 * @throws {BrinkError} USAGE naming the flag and the value
 * @example
 * parseSize("--memory", "1.5g") // 1610612736
 */
export function parseSize(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const want = "a size; use e.g. 128m, 1.5g, 512MiB or a number of bytes";
  if (!m) throw usage(flag, value, want);
  const unit = SIZE_UNITS[(m[2] ?? "").toLowerCase()];
  if (unit === undefined)
    throw usage(flag, value, `a size (unknown unit "${m[2]}"); use b, k, m or g`);
  const n = Math.floor(Number(m[1]) * unit);
  if (!(n > 0)) throw usage(flag, value, "a size above zero");
  if (n > MAX_SIZE) throw usage(flag, value, "a size up to 1 TiB");
  return n;
}

/**
 * Parses a whole count (descriptors, processes, concurrency) from 1 to `max`.
 *
 * @example
 * parseCount("--nofile", "256") // 256
 */
export function parseCount(flag: string, value: string, max = 1_048_576): number {
  if (!/^\d+$/.test(value.trim())) throw usage(flag, value, "a whole number above zero");
  const n = Number(value);
  if (n < 1 || n > max) throw usage(flag, value, `a whole number from 1 to ${max}`);
  return n;
}

/**
 * Parses cpus: a positive decimal such as 1 or 0.5, at most 256.
 *
 * @example
 * parseCpus("--cpus", "0.5") // 0.5
 */
export function parseCpus(flag: string, value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value.trim()))
    throw usage(flag, value, "a number of cpus such as 1 or 0.5");
  const n = Number(value);
  if (n < 0.01 || n > 256) throw usage(flag, value, "a number of cpus from 0.01 to 256");
  return n;
}

/**
 * Parses a duration: 30s, 2m, 500ms, 1h (a plain number is seconds).
 *
 * @example
 * parseDuration("--timeout", "2m") // 120000
 */
export function parseDuration(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw usage(flag, value, "a duration; use e.g. 30s, 2m or 500ms");
  const n = Math.round(Number(m[1]) * (DURATION_UNITS[m[2] ?? "s"] ?? 1000));
  if (!(n > 0)) throw usage(flag, value, "a duration above zero");
  if (n > 24 * 3_600_000) throw usage(flag, value, "a duration up to 24h");
  return n;
}

/** Formats bytes the way flags take them back: 128m, 1.5g, 1048576. */
export function formatSize(n: number): string {
  if (n % 2 ** 30 === 0 || (n >= 2 ** 30 && (n / 2 ** 30) * 10 === Math.round((n / 2 ** 30) * 10)))
    return `${n / 2 ** 30}g`;
  if (n % 2 ** 20 === 0) return `${n / 2 ** 20}m`;
  if (n % 2 ** 10 === 0) return `${n / 2 ** 10}k`;
  return String(n);
}
