// oneOf / anyOf / allOf (written, or implied by a schema with several facets or a `type` array):
// alternatives are paired by maximum bipartite matching so that order does not matter; when no
// pairing exists, the differences with the closest counterpart explain why.

import { canonical, containsRef } from './canonical.js';
import { add, nest, type Change, type Comparison, type Out } from './compare-support.js';
import { maximumMatching } from './matching.js';
import { isTolerated } from './rules.js';
import { typeLabel, type Branch, type Node, type NodeOf } from './schema-node.js';

export function combined(cx: Comparison, w: Node, r: Node, out: Out): void {
  const wc = w.k === 'comb' ? w : undefined;
  const rc = r.k === 'comb' ? r : undefined;
  // A plain writer that fits one alternative of a reader union (string -> oneOf[number, string]).
  if (!wc && rc && rc.crit !== 'allOf' && fitUnion(cx, w, rc, out)) return;

  const local: Out = [];
  const ok = matchBranches(cx, w, r, wc, rc, local);
  if (!ok && wc && rc && rc.crit !== 'allOf' && fitUnion(cx, w, rc, out)) return;
  for (const c of local) out.push(c);
}

function fitUnion(cx: Comparison, w: Node, rc: NodeOf<'comb'>, out: Out): boolean {
  const R = dedupe(rc.branches());
  const order = R.map((_, j) => j).sort((a, b) => Number(sameKind(w, (R[b] as Branch).node)) - Number(sameKind(w, (R[a] as Branch).node)));
  for (const j of order) {
    const rb = R[j] as Branch;
    const sub = cx.nodes(w, rb.node);
    if (!cx.compatible(sub)) continue;
    nest(out, sub, [], rb.seg);
    if (rc.origin === 'types') {
      for (const other of R) if (other !== rb) add(out, 'TYPE_ADDED', [], ['type'], undefined, typeLabel(other.node));
    } else if (R.length > 1) {
      add(out, 'UNION_EXTENDED', [], [], undefined, rc.crit);
    }
    return true;
  }
  return false;
}

/** Branch-by-branch comparison; returns whether it found the pair compatible. */
function matchBranches(cx: Comparison, w: Node, r: Node, wc: NodeOf<'comb'> | undefined, rc: NodeOf<'comb'> | undefined, out: Out): boolean {
  const W = wc ? dedupe(wc.branches()) : [{ node: w, seg: [] }];
  const R = rc ? dedupe(rc.branches()) : [{ node: r, seg: [] }];
  const wCrit = wc ? wc.crit : (rc as NodeOf<'comb'>).crit;
  const rCrit = rc ? rc.crit : (wc as NodeOf<'comb'>).crit;
  const start = out.length;

  if (wc && rc && wCrit !== rCrit) {
    const relaxed =
      rCrit === 'anyOf' ||
      (rCrit === 'oneOf' && (wCrit === 'allOf' || W.length === 1)) ||
      (rCrit === 'allOf' && W.length === 1 && R.length === 1);
    if (!relaxed) {
      add(out, 'COMBINATOR_CHANGED', [wCrit], [rCrit], wCrit, rCrit);
      return false;
    }
    add(out, 'COMBINATOR_RELAXED', [wCrit], [rCrit], wCrit, rCrit);
  }

  const sum = (c: string): boolean => c !== 'allOf';
  // Which side must be fully matched: every writer alternative (unions), every reader
  // constraint (allOf), or, across kinds, the smaller side.
  const mode: 'writers' | 'readers' | 'smaller' =
    sum(wCrit) && sum(rCrit) ? 'writers' : !sum(wCrit) && !sum(rCrit) ? 'readers' : 'smaller';

  const subs: (readonly Change[])[][] = W.map((wb) => R.map((rb) => cx.nodes(wb.node, rb.node)));
  const okEdge = (i: number, j: number): boolean => cx.compatible((subs[i] as (readonly Change[])[])[j] as readonly Change[]);

  // Match from the side that must be saturated; prefer same-kind partners, then same position.
  const leftIsWriter = mode === 'writers' || (mode === 'smaller' && W.length <= R.length);
  const L = leftIsWriter ? W : R;
  const Rt = leftIsWriter ? R : W;
  const edges = L.map((lb, a) =>
    Rt.map((_, b) => b)
      .filter((b) => (leftIsWriter ? okEdge(a, b) : okEdge(b, a)))
      .sort((x, y) => preference(lb, a, Rt, y) - preference(lb, a, Rt, x)),
  );
  const match = maximumMatching(L.length, Rt.length, edges);
  const pairOf = (a: number): [number, number] => (leftIsWriter ? [a, match[a] as number] : [match[a] as number, a]);

  let matched = 0;
  const usedRight = new Set<number>();
  for (let a = 0; a < L.length; a++) {
    if ((match[a] as number) < 0) continue;
    matched++;
    usedRight.add(match[a] as number);
    const [i, j] = pairOf(a);
    nest(out, (subs[i] as (readonly Change[])[])[j] as readonly Change[], (W[i] as Branch).seg, (R[j] as Branch).seg);
  }

  const need = mode === 'smaller' ? Math.min(W.length, R.length) : L.length;
  const success = matched >= need;
  if (!success) {
    for (let a = 0; a < L.length; a++) {
      if ((match[a] as number) >= 0) continue;
      if (leftIsWriter) explainUnmatchedWriter(cx, a, W, R, subs, wc, R.length < W.length, usedRight, out);
      else explainUnmatchedReader(cx, a, W, R, subs, rc, usedRight, out);
    }
  } else {
    // Leftovers on the other side are the tolerated half of the change.
    const leftovers = Rt.map((_, b) => b).filter((b) => !usedRight.has(b));
    if (leftovers.length > 0) {
      if (leftIsWriter) {
        if (rc?.origin === 'types') for (const b of leftovers) add(out, 'TYPE_ADDED', [], ['type'], undefined, typeLabel((R[b] as Branch).node));
        else if (sum(rCrit)) add(out, 'UNION_EXTENDED', [], [], wCrit, rCrit);
        else add(out, 'ALLOF_EXTENDED', [], [], wCrit, rCrit);
      } else {
        for (const b of leftovers) removedFacet(W[b] as Branch, out);
      }
    }
  }
  return success && cx.compatible(out.slice(start));
}

function explainUnmatchedWriter(
  cx: Comparison,
  i: number,
  W: readonly Branch[],
  R: readonly Branch[],
  subs: (readonly Change[])[][],
  wc: NodeOf<'comb'> | undefined,
  shrank: boolean,
  taken: ReadonlySet<number>,
  out: Out,
): void {
  const wb = W[i] as Branch;
  // When the union shrank, an alternative whose look-alike is already paired was simply removed.
  const j = evidence(cx, wb, R, (jj) => (subs[i] as (readonly Change[])[])[jj] as readonly Change[], W.length === 1 && R.length === 1, taken, shrank);
  if (j >= 0) return nest(out, (subs[i] as (readonly Change[])[])[j] as readonly Change[], wb.seg, (R[j] as Branch).seg);
  if (wc?.origin === 'types') return add(out, 'TYPE_REMOVED', ['type'], [], typeLabel(wb.node));
  add(out, shrank ? 'UNION_NARROWED' : 'BRANCHES_UNMATCHED', wb.seg, [], typeLabel(wb.node));
}

function explainUnmatchedReader(
  cx: Comparison,
  j: number,
  W: readonly Branch[],
  R: readonly Branch[],
  subs: (readonly Change[])[][],
  rc: NodeOf<'comb'> | undefined,
  taken: ReadonlySet<number>,
  out: Out,
): void {
  const rb = R[j] as Branch;
  const i = evidence(cx, rb, W, (ii) => (subs[ii] as (readonly Change[])[])[j] as readonly Change[], W.length === 1 && R.length === 1, taken, false);
  if (i >= 0) return nest(out, (subs[i] as (readonly Change[])[])[j] as readonly Change[], (W[i] as Branch).seg, rb.seg);
  const n = rb.node;
  if (rc?.origin !== 'written' && n.k === 'enum') return add(out, 'ENUM_ADDED', [], [...rb.seg, 'enum'], undefined, n.values);
  if (rc?.origin !== 'written' && n.k === 'const') return add(out, 'CONST_ADDED', [], [...rb.seg, 'const'], undefined, n.value);
  if (rc?.origin !== 'written' && n.k === 'not') return add(out, 'NOT_ADDED', [], [...rb.seg, 'not'], undefined, n.inner);
  add(out, 'ALLOF_EXTENDED', [], rb.seg, undefined, typeLabel(n));
}

/** The counterpart whose differences best explain why `b` found no partner, or -1. */
function evidence(
  cx: Comparison,
  b: Branch,
  others: readonly Branch[],
  subAt: (k: number) => readonly Change[],
  onlyPair: boolean,
  taken: ReadonlySet<number>,
  freeOnly: boolean,
): number {
  let best = -1;
  let bestScore = Infinity;
  others.forEach((o, k) => {
    if (!onlyPair && !sameKind(b.node, o.node)) return;
    if (freeOnly && taken.has(k)) return;
    const bad = subAt(k).filter((c) => !isTolerated(c.rule, cx.policy)).length;
    // Prefer a counterpart nobody else was paired with, then the fewest differences.
    const score = bad + (taken.has(k) ? 1000 : 0);
    if (bad > 0 && score < bestScore) {
      best = k;
      bestScore = score;
    }
  });
  return best;
}

function kindOf(n: Node): string {
  if (n.k === 'typed') return `typed:${n.t}`;
  if (n.k === 'comb') return `comb:${n.crit}`;
  if (n.k === 'const') return 'enum';
  return n.k;
}

function sameKind(a: Node, b: Node): boolean {
  return kindOf(a) === kindOf(b);
}

function preference(lb: Branch, a: number, others: readonly Branch[], b: number): number {
  const o = others[b] as Branch;
  return (sameKind(lb.node, o.node) ? 2 : 0) + (a === b ? 1 : 0);
}

function dedupe(branches: readonly Branch[]): Branch[] {
  const seen = new Set<string>();
  const out: Branch[] = [];
  for (const b of branches) {
    const n = b.node;
    const key = n.whole && typeof n.raw === 'object' ? canonical(n.raw) + (containsRef(n.raw) ? `@${n.scope.file}` : '') : `#${n.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(b);
  }
  return out;
}

function removedFacet(b: Branch, out: Out): void {
  const n = b.node;
  if (n.k === 'enum') add(out, 'ENUM_REMOVED', [...b.seg, 'enum'], [], n.values);
  else if (n.k === 'const') add(out, 'CONST_REMOVED', [...b.seg, 'const'], [], n.value);
  else if (n.k === 'not') add(out, 'NOT_REMOVED', [...b.seg, 'not'], [], n.inner);
  else add(out, 'ALLOF_NARROWED', b.seg, [], typeLabel(n));
}
