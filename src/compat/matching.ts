// Maximum bipartite matching (Kuhn's augmenting paths). Combinator branches are matched this way
// so that reordering `oneOf`/`anyOf`/`allOf` alternatives is not a change. Hand-written because
// the graphs are tiny (a handful of branches) and a dependency would cost more than these lines.

/**
 * `edges[i]` lists the right-hand vertices that left vertex `i` may be matched with, in order of
 * preference. Returns `match[i]` = matched right vertex or -1.
 */
export function maximumMatching(leftCount: number, rightCount: number, edges: readonly (readonly number[])[]): number[] {
  const matchOfRight = new Array<number>(rightCount).fill(-1);
  const matchOfLeft = new Array<number>(leftCount).fill(-1);
  const tryAugment = (u: number, seen: boolean[]): boolean => {
    for (const v of edges[u] ?? []) {
      if (seen[v]) continue;
      seen[v] = true;
      const current = matchOfRight[v] ?? -1;
      if (current === -1 || tryAugment(current, seen)) {
        matchOfRight[v] = u;
        matchOfLeft[u] = v;
        return true;
      }
    }
    return false;
  };
  for (let u = 0; u < leftCount; u++) tryAugment(u, new Array<boolean>(rightCount).fill(false));
  return matchOfLeft;
}
