/**
 * The edit distance of two words (Damerau-Levenshtein, optimal string alignment): a
 * swapped pair of neighbours counts as one edit, so `rnu` is one edit from `run`.
 *
 * @example
 * editDistance("memry", "memory") // 1
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate a mistyped word most probably meant: the nearest by edit distance, within
 * one edit for words of up to four letters and two for longer ones, or a candidate the word
 * is a prefix of (`--mem` for `--memory`); null when none is near enough or two are as near.
 *
 * @example
 * didYouMean("rn", ["run", "exec", "list"]) // "run"
 * didYouMean("--memry", ["--memory", "--disk"]) // "--memory"
 * didYouMean("frob", ["run", "exec"]) // null
 */
export function didYouMean(word: string, candidates: readonly string[]): string | null {
  const w = word.toLowerCase();
  const bare = w.replace(/^-+/, "");
  if (!bare) return null;
  const prefixed = candidates.filter(
    (c) => bare.length >= 2 && c.toLowerCase().replace(/^-+/, "").startsWith(bare),
  );
  if (prefixed.length === 1) return prefixed[0] as string;
  const max = bare.length <= 4 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = max + 1;
  let tie = false;
  for (const c of candidates) {
    const dist = editDistance(w, c.toLowerCase());
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
      tie = false;
    } else if (dist === bestDistance) tie = true;
  }
  return best && !tie ? best : null;
}
