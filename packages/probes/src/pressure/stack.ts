import { CLASS_BRAND } from "@brink/guard";
import { Pressure } from "./pressure.ts";
import { requireFence } from "./require-fence.ts";

/** How to recurse. */
export type StackShape = "plain" | "mutual" | "large-frames";

/** What a recursion to exhaustion saw. Holds nothing: release() is a no-op. */
export class StackPressure extends Pressure {
  static override readonly [CLASS_BRAND] = "StackPressure";
  constructor(
    readonly shape: StackShape,
    /** Depth reached when the error was thrown. */
    readonly depth: number,
    /** The thrown error's name ("RangeError"), or null when `maxDepth` was reached first. */
    readonly error: string | null,
    readonly message: string,
  ) {
    super();
  }

  protected async free(): Promise<void> {}
}

let depth = 0;
function plain(n: number): number {
  depth = n;
  return plain(n + 1) + 1;
}
function ping(n: number): number {
  depth = n;
  return pong(n + 1) + 1;
}
function pong(n: number): number {
  depth = n;
  return ping(n + 1) + 1;
}
function large(n: number): number {
  depth = n;
  const a = n + 1,
    b = a * 2,
    c = b * 3,
    d = c + a,
    e = d * b,
    f = e + c,
    g = f - d,
    h = g + e;
  const i = [a, b, c, d],
    j = [e, f, g, h],
    k = { a, b, c, d, e, f, g, h };
  return large(n + 1) + a + b + c + d + e + f + g + h + i.length + j.length + k.a;
}
const SHAPES = { plain, mutual: ping, "large-frames": large } as const;

/**
 * Recurses on this thread until the engine throws (RangeError: Maximum call stack size
 * exceeded), and reports the depth. The process goes on afterwards.
 *
 * @example
 * const s = await exhaustStack({ shape: "mutual" }); // s.error === "RangeError"
 */
export async function exhaustStack(options: { shape?: StackShape } = {}): Promise<StackPressure> {
  requireFence("stack", "exhaustStack");
  const shape = options.shape ?? "plain";
  depth = 0;
  try {
    SHAPES[shape](1);
    return new StackPressure(shape, depth, null, "returned");
  } catch (e) {
    const err = e as Error;
    return new StackPressure(shape, depth, err?.name ?? typeof e, String(err?.message ?? e));
  }
}
