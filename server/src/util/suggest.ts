// "Did you mean" suggestions: the closest known name by edit distance, if it is close enough.

export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestScore = limit + 1;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = editDistance(lower, c.toLowerCase(), bestScore);
    if (d < bestScore) {
      bestScore = d;
      best = c;
    }
  }
  return best;
}

const memo = new WeakMap<object, Map<string, string | undefined>>();

/** The known name `name` most likely means (closest by edit distance, close enough), or undefined. */
export function suggestName(name: string, candidates: Iterable<string>): string | undefined {
  // Candidate arrays that stay the same (the project's model names) remember their answers.
  let cache = typeof candidates === 'object' ? memo.get(candidates) : undefined;
  if (!cache && Array.isArray(candidates) && candidates.length > 1000) memo.set(candidates, (cache = new Map()));
  let best = cache?.get(name);
  if (best === undefined || !cache?.has(name)) {
    best = closest(name, candidates);
    cache?.set(name, best);
  }
  return best;
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  return hint(suggestName(name, candidates));
}

/** A message's did-you-mean sentence for `best` (empty without one). */
export function hint(best: string | undefined): string {
  return best ? ` Did you mean '${best}'?` : '';
}

/** Levenshtein distance, giving up (returning `cap`) once every path exceeds it. */
function editDistance(a: string, b: string, cap: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin >= cap) return cap;
    prev = cur;
  }
  return prev[b.length];
}
