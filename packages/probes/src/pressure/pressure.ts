import type { Worker } from "node:worker_threads";
import { CLASS_BRAND, isBrandedInstance } from "@brink/guard";

/**
 * A pressure being held. `release()` (or leaving an `await using` block) gives the
 * resource back; releasing twice is harmless.
 */
export abstract class Pressure implements AsyncDisposable {
  /**
   * `instanceof` holds across copies of the package (the image's bundled probe host hands a
   * suite handles its own copy made): each subclass carries its own `[CLASS_BRAND]`.
   */
  static readonly [CLASS_BRAND]: string = "Pressure";
  static [Symbol.hasInstance](v: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof (MemoryPressure, FdPressure, ...), not always Pressure
    return isBrandedInstance(this, v);
  }
  #released: Promise<void> | null = null;

  protected abstract free(): Promise<void>;

  /** Gives the resource back. @example await fds.release(); */
  release(): Promise<void> {
    this.#released ??= this.free();
    return this.#released;
  }

  get released(): boolean {
    return this.#released !== null;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}

/** The first message a worker posts, and its end. */
export function firstMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`worker exited (${code}) before reporting`)));
  });
}

/** Splits `total` into `n` near-equal whole parts. */
export function split(total: number, n: number): number[] {
  const base = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => base + (i < total - base * n ? 1 : 0));
}
