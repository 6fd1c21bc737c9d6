// "Did you mean" suggestions. Hand-written on purpose: an edit distance is a dozen lines and the
// only candidates are names from one catalog, so a dependency would cost more than it gives.

/** Levenshtein distance, case-insensitive (a case slip counts as nothing). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, i) => i);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[t.length]!;
}

/** The candidate closest to `name`, if it is close enough to be a plausible typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(2, Math.floor(name.length / 3));
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(name, c);
    const prefix = c.toLowerCase().startsWith(name.toLowerCase()) || name.toLowerCase().startsWith(c.toLowerCase());
    const score = prefix && Math.abs(c.length - name.length) <= 4 ? Math.min(d, 1) : d;
    if (score <= limit && score < bestDistance) {
      best = c;
      bestDistance = score;
    }
  }
  return best;
}

export function didYouMean(name: string, candidates: Iterable<string>): { hint?: string } {
  const best = closest(name, candidates);
  return best === undefined ? {} : { hint: `did you mean "${best}"?` };
}
