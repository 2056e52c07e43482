/**
 * The middle value of some measurements (the upper middle for an even count).
 *
 * @example
 * median([3, 1, 2]) // 2
 */
export const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
