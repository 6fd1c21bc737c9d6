// The structural comparison of two JSON Schemas: can a consumer that decodes with READER read
// every document that was valid under WRITER? Produces every change found (tolerated or not),
// each with its rule id and the JSON paths on both sides.
//
// The design follows Confluent Schema Registry's SchemaDiff (whose verdicts we must reproduce):
// keyword families are compared pairwise, content models decide whether an added/removed
// property is harmless, and oneOf/anyOf/allOf branches are paired by maximum bipartite matching
// so that order does not matter. Recursive schemas terminate: a pair already being compared
// higher up the stack is assumed compatible, and every pair is compared once (memoised).

import { canonical, containsRef, jsonEqual, sameValue } from './canonical.js';
import { maximumMatching } from './matching.js';
import { isTolerated, type Policy, type RuleId } from './rules.js';
import { isObject, NodeReader, typeLabel, type Branch, type JsonObject, type Node, type NodeOf, type SchemaScope } from './schema-node.js';

export interface Change {
  readonly rule: RuleId;
  /** JSON pointer segments into the writer schema. */
  readonly wPath: readonly string[];
  /** JSON pointer segments into the reader schema. */
  readonly rPath: readonly string[];
  readonly wValue?: unknown;
  readonly rValue?: unknown;
}

type Out = Change[];

const NONE: readonly Change[] = [];

export class SchemaComparator {
  // Keyed writer id -> reader id (numbers: string keys cost more than the comparisons they save).
  private readonly memo = new Map<number, Map<number, readonly Change[]>>();
  private readonly inProgress = new Map<number, Set<number>>();

  constructor(
    readonly policy: Policy,
    readonly reader: NodeReader = new NodeReader(),
  ) {}

  compatible(changes: readonly Change[]): boolean {
    for (const c of changes) if (!isTolerated(c.rule, this.policy)) return false;
    return true;
  }

  /** Compares two schemas as written, each in its own scope (file + `$ref` resolver). */
  compare(writer: unknown, wScope: SchemaScope, reader: unknown, rScope: SchemaScope): readonly Change[] {
    return this.raw(writer, wScope, reader, rScope);
  }

  private nodes(w: Node, r: Node): readonly Change[] {
    if (w === r) return NONE;
    let row = this.memo.get(w.id);
    const hit = row?.get(r.id);
    if (hit) return hit;
    let busy = this.inProgress.get(w.id);
    if (busy?.has(r.id)) return NONE; // a recursive schema came back to this pair
    if (!busy) this.inProgress.set(w.id, (busy = new Set()));
    busy.add(r.id);
    const out: Out = [];
    try {
      this.body(w, r, out);
    } finally {
      busy.delete(r.id);
    }
    const result = out.length === 0 ? NONE : out;
    if (!row) this.memo.set(w.id, (row = new Map()));
    row.set(r.id, result);
    return result;
  }

  private raw(w: unknown, wScope: SchemaScope, r: unknown, rScope: SchemaScope): readonly Change[] {
    // Most of a new version is the old one unchanged: settle equal subtrees before reading them.
    const eq = jsonEqual(w, r);
    if (eq === 1 || (eq === 2 && sameScope(wScope, rScope))) return NONE;
    return this.nodes(this.reader.read(w, wScope), this.reader.read(r, rScope));
  }

  private body(w: Node, r: Node, out: Out): void {
    if (w.whole && r.whole) {
      if (isObject(w.raw) && isObject(r.raw)) {
        if (identical(w, r)) return;
        annotations(w.raw, r.raw, out);
      }
      this.conditional(w, r, out);
    }
    if (r.k === 'any' || w.k === 'none') return;
    if (w.k === 'comb' || r.k === 'comb') return this.combined(w, r, out);
    if (r.k === 'none') return add(out, 'TYPE_CHANGED', [], [], typeLabel(w), 'nothing (false)');
    if (w.k === 'any') {
      // `{}` -> `{maxLength: 3}`: an inferred facet constrains one type only; compare keyword by keyword.
      if (r.k === 'typed' && !r.explicit) return this.typed(emptyFacet(r), r, out);
      return add(out, 'TYPE_CHANGED', [], [], 'any value', typeLabel(r));
    }
    switch (w.k) {
      case 'typed':
        if (r.k === 'typed') return this.typed(w, r, out);
        if (r.k === 'enum' || r.k === 'const') return writerTypedReaderValues(w, r, out);
        if (r.k === 'not') return add(out, 'NOT_ADDED', [], ['not'], undefined, r.inner);
        return;
      case 'enum':
      case 'const':
        return valuesAgainst(w.k === 'enum' ? w.values : [w.value], w, r, out);
      case 'not':
        if (r.k === 'not') return this.not(w, r, out);
        return add(out, 'TYPE_CHANGED', ['not'], [], 'not', typeLabel(r));
    }
  }

  // ---------------------------------------------------------------- combinators

  private combined(w: Node, r: Node, out: Out): void {
    const wc = w.k === 'comb' ? w : undefined;
    const rc = r.k === 'comb' ? r : undefined;
    // A plain writer that fits one alternative of a reader union (string -> oneOf[number, string]).
    if (!wc && rc && rc.crit !== 'allOf' && this.fitUnion(w, rc, out)) return;

    const local: Out = [];
    const ok = this.matchBranches(w, r, wc, rc, local);
    if (!ok && wc && rc && rc.crit !== 'allOf' && this.fitUnion(w, rc, out)) return;
    for (const c of local) out.push(c);
  }

  private fitUnion(w: Node, rc: NodeOf<'comb'>, out: Out): boolean {
    const R = dedupe(rc.branches());
    const order = R.map((_, j) => j).sort((a, b) => Number(sameKind(w, (R[b] as Branch).node)) - Number(sameKind(w, (R[a] as Branch).node)));
    for (const j of order) {
      const rb = R[j] as Branch;
      const sub = this.nodes(w, rb.node);
      if (!this.compatible(sub)) continue;
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
  private matchBranches(w: Node, r: Node, wc: NodeOf<'comb'> | undefined, rc: NodeOf<'comb'> | undefined, out: Out): boolean {
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

    const subs: (readonly Change[])[][] = W.map((wb) => R.map((rb) => this.nodes(wb.node, rb.node)));
    const okEdge = (i: number, j: number): boolean => this.compatible((subs[i] as (readonly Change[])[])[j] as readonly Change[]);

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
        if (leftIsWriter) this.explainUnmatchedWriter(a, W, R, subs, wc, R.length < W.length, usedRight, out);
        else this.explainUnmatchedReader(a, W, R, subs, rc, usedRight, out);
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
    return success && this.compatible(out.slice(start));
  }

  private explainUnmatchedWriter(
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
    const j = this.evidence(wb, R, (jj) => (subs[i] as (readonly Change[])[])[jj] as readonly Change[], W.length === 1 && R.length === 1, taken, shrank);
    if (j >= 0) return nest(out, (subs[i] as (readonly Change[])[])[j] as readonly Change[], wb.seg, (R[j] as Branch).seg);
    if (wc?.origin === 'types') return add(out, 'TYPE_REMOVED', ['type'], [], typeLabel(wb.node));
    add(out, shrank ? 'UNION_NARROWED' : 'BRANCHES_UNMATCHED', wb.seg, [], typeLabel(wb.node));
  }

  private explainUnmatchedReader(
    j: number,
    W: readonly Branch[],
    R: readonly Branch[],
    subs: (readonly Change[])[][],
    rc: NodeOf<'comb'> | undefined,
    taken: ReadonlySet<number>,
    out: Out,
  ): void {
    const rb = R[j] as Branch;
    const i = this.evidence(rb, W, (ii) => (subs[ii] as (readonly Change[])[])[j] as readonly Change[], W.length === 1 && R.length === 1, taken, false);
    if (i >= 0) return nest(out, (subs[i] as (readonly Change[])[])[j] as readonly Change[], (W[i] as Branch).seg, rb.seg);
    const n = rb.node;
    if (rc?.origin !== 'written' && n.k === 'enum') return add(out, 'ENUM_ADDED', [], [...rb.seg, 'enum'], undefined, n.values);
    if (rc?.origin !== 'written' && n.k === 'const') return add(out, 'CONST_ADDED', [], [...rb.seg, 'const'], undefined, n.value);
    if (rc?.origin !== 'written' && n.k === 'not') return add(out, 'NOT_ADDED', [], [...rb.seg, 'not'], undefined, n.inner);
    add(out, 'ALLOF_EXTENDED', [], rb.seg, undefined, typeLabel(n));
  }

  /** The counterpart whose differences best explain why `b` found no partner, or -1. */
  private evidence(
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
      const bad = subAt(k).filter((c) => !isTolerated(c.rule, this.policy)).length;
      // Prefer a counterpart nobody else was paired with, then the fewest differences.
      const score = bad + (taken.has(k) ? 1000 : 0);
      if (bad > 0 && score < bestScore) {
        best = k;
        bestScore = score;
      }
    });
    return best;
  }

  /** `if`/`then`/`else`: same `if`, then each branch compared; anything else is judged conservatively. */
  private conditional(w: Node, r: Node, out: Out): void {
    const wr = isObject(w.raw) ? w.raw : {};
    const rr = isObject(r.raw) ? r.raw : {};
    const wi = wr['if'];
    const ri = rr['if'];
    if (wi === undefined && ri === undefined) return;
    if (ri === undefined) return add(out, 'CONDITIONAL_REMOVED', ['if'], [], wi);
    if (wi === undefined) return add(out, 'CONDITIONAL_ADDED', [], ['if'], undefined, ri);
    const eq = jsonEqual(wi, ri);
    if (eq === 0 || (eq === 2 && !sameScope(w.scope, r.scope))) return add(out, 'CONDITIONAL_CHANGED', ['if'], ['if'], wi, ri);
    for (const branch of ['then', 'else'] as const) {
      const a = wr[branch];
      const b = rr[branch];
      if (b === undefined) continue;
      if (a === undefined) add(out, 'CONDITIONAL_ADDED', [], [branch], undefined, b);
      else nest(out, this.raw(a, w.scope, b, r.scope), [branch], [branch]);
    }
  }

  private not(w: NodeOf<'not'>, r: NodeOf<'not'>, out: Out): void {
    if (sameValue(w.inner, r.inner) && (w.scope === r.scope || !containsRef(w.inner))) return;
    // `not` flips the direction: the new exclusion must be contained in the old one.
    const sub = this.raw(r.inner, r.scope, w.inner, w.scope);
    add(out, this.compatible(sub) ? 'NOT_NARROWED' : 'NOT_WIDENED', ['not'], ['not'], w.inner, r.inner);
  }

  // ---------------------------------------------------------------- typed facets

  private typed(w: NodeOf<'typed'>, r: NodeOf<'typed'>, out: Out): void {
    if (w.t !== r.t) return add(out, 'TYPE_CHANGED', ['type'], ['type'], typeLabel(w), typeLabel(r));
    switch (w.t) {
      case 'string':
        return stringKeywords(w.raw, r.raw, out);
      case 'number':
        numberKeywords(w.raw, r.raw, out);
        if (w.integer && !r.integer) add(out, 'TYPE_WIDENED', ['type'], ['type'], 'integer', 'number');
        else if (!w.integer && r.integer) add(out, 'TYPE_NARROWED', ['type'], ['type'], 'number', 'integer');
        return;
      case 'object':
        return this.object(w, r, out);
      case 'array':
        return this.array(w, r, out);
      default:
        return;
    }
  }

  private object(w: NodeOf<'typed'>, r: NodeOf<'typed'>, out: Out): void {
    const wr = w.raw;
    const rr = r.raw;
    const wProps = record(wr['properties']);
    const rProps = record(rr['properties']);
    const wReq = stringSet(wr['required']);
    const rReq = stringSet(rr['required']);

    for (const k of Object.keys(wProps)) {
      if (!(k in rProps)) continue;
      const was = wReq.has(k);
      const now = rReq.has(k);
      if (was && !now) add(out, 'PROPERTY_MADE_OPTIONAL', ['properties', k], ['properties', k]);
      else if (!was && now) {
        add(out, hasDefault(rProps[k]) ? 'PROPERTY_MADE_REQUIRED_WITH_DEFAULT' : 'PROPERTY_MADE_REQUIRED', ['properties', k], ['properties', k]);
      }
    }
    for (const k of rReq) {
      if (!(k in rProps) && !wReq.has(k)) add(out, 'UNDECLARED_PROPERTY_REQUIRED', [], ['required'], undefined, k);
    }

    const seen = new Set<string>();
    for (const k of [...Object.keys(wProps), ...Object.keys(rProps)]) {
      if (seen.has(k)) continue;
      seen.add(k);
      const inW = k in wProps;
      const inR = k in rProps;
      if (inW && inR) {
        nest(out, this.raw(wProps[k], w.scope, rProps[k], r.scope), ['properties', k], ['properties', k]);
      } else if (inW) {
        const model = contentModel(rr, k);
        if (model.kind === 'open') add(out, 'PROPERTY_REMOVED', ['properties', k], []);
        else if (model.kind === 'partial') {
          const sub = this.raw(wProps[k], w.scope, model.schema, r.scope);
          nest(out, sub, ['properties', k], model.path);
          add(out, this.compatible(sub) ? 'PROPERTY_REMOVED_COVERED' : 'PROPERTY_REMOVED_NOT_COVERED', ['properties', k], model.path);
        } else {
          add(out, wProps[k] === false ? 'FORBIDDEN_PROPERTY_REMOVED' : 'PROPERTY_REMOVED_FROM_CLOSED_MODEL', ['properties', k], []);
        }
      } else {
        const required = rReq.has(k);
        const withDefault = hasDefault(rProps[k]);
        const model = contentModel(wr, k);
        const at = ['properties', k];
        if (model.kind === 'open') {
          if (required && !withDefault) add(out, 'REQUIRED_PROPERTY_ADDED', [], at);
          else if (required) add(out, 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_MODEL', [], at);
          else if (this.reader.read(rProps[k], r.scope).k === 'any') add(out, 'UNCONSTRAINED_PROPERTY_ADDED', [], at);
          else add(out, 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_MODEL', [], at);
        } else {
          if (model.kind === 'partial') {
            const sub = this.raw(model.schema, w.scope, rProps[k], r.scope);
            nest(out, sub, model.path, at);
            add(out, this.compatible(sub) ? 'PROPERTY_ADDED_COVERED' : 'PROPERTY_ADDED_NOT_COVERED', model.path, at);
          }
          if (required) add(out, withDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED' : 'REQUIRED_PROPERTY_ADDED', [], at);
          else add(out, 'OPTIONAL_PROPERTY_ADDED', [], at);
        }
      }
    }

    this.patternProperties(w, r, out);
    this.additional(w, r, 'additionalProperties', out);
    this.unevaluated(w, r, 'unevaluatedProperties', out);
    this.dependencies(w, r, out);
    bound(out, 'maxProperties', wr, rr, 'MAX_PROPERTIES');
    bound(out, 'minProperties', wr, rr, 'MIN_PROPERTIES');
    this.optionalSchema(w, r, 'propertyNames', 'PROPERTY_NAMES_ADDED', 'PROPERTY_NAMES_REMOVED', out);
  }

  private patternProperties(w: NodeOf<'typed'>, r: NodeOf<'typed'>, out: Out): void {
    const wp = record(w.raw['patternProperties']);
    const rp = record(r.raw['patternProperties']);
    // A declared property whose name matches a pattern must satisfy that pattern's schema as well:
    // a new pattern can reject old values of a property that itself did not change.
    const wProps = record(w.raw['properties']);
    const rProps = record(r.raw['properties']);
    for (const p of Object.keys(rp)) {
      if (p in wp) continue;
      for (const k of Object.keys(wProps)) {
        if (!(k in rProps) || !matches(p, k)) continue;
        nest(out, this.raw(wProps[k], w.scope, rp[p], r.scope), ['properties', k], ['patternProperties', p]);
      }
    }
    for (const p of Object.keys(wp)) {
      const at = ['patternProperties', p];
      if (p in rp) {
        nest(out, this.raw(wp[p], w.scope, rp[p], r.scope), at, at);
        continue;
      }
      const ap = r.raw['additionalProperties'];
      const up = r.raw['unevaluatedProperties'];
      if (ap === false || (ap === undefined && up === false)) add(out, 'PATTERN_PROPERTY_REMOVED_FROM_CLOSED_MODEL', at, []);
      else if (isObject(ap)) nest(out, this.raw(wp[p], w.scope, ap, r.scope), at, ['additionalProperties']);
      else add(out, 'PATTERN_PROPERTY_REMOVED', at, []);
    }
    for (const p of Object.keys(rp)) {
      if (p in wp) continue;
      const open = Object.keys(wp).length === 0 && permitsAll(w.raw['additionalProperties']) && permitsAll(w.raw['unevaluatedProperties']);
      add(out, open ? 'PATTERN_PROPERTY_ADDED_TO_OPEN_MODEL' : 'PATTERN_PROPERTY_ADDED', [], ['patternProperties', p]);
    }
  }

  /** `additionalProperties` / `additionalItems`: false, anything, or a schema. */
  private additional(w: NodeOf<'typed'>, r: NodeOf<'typed'>, keyword: 'additionalProperties' | 'additionalItems', out: Out, wKey = keyword, rKey = keyword): void {
    const a = w.raw[wKey];
    const b = r.raw[rKey];
    const rule = keyword === 'additionalProperties' ? 'ADDITIONAL_PROPERTIES' : 'ADDITIONAL_ITEMS';
    const aPermits = a !== false;
    const bPermits = b !== false;
    const aSchema = isObject(a) && !acceptsEverything(a) ? a : undefined;
    const bSchema = isObject(b) && !acceptsEverything(b) ? b : undefined;
    if (aPermits !== bPermits) add(out, bPermits ? `${rule}_ALLOWED` : `${rule}_FORBIDDEN`, [wKey], [rKey], a, b);
    else if (!aSchema && bSchema) add(out, `${rule}_NARROWED`, [wKey], [rKey], a, b);
    else if (aSchema && !bSchema && aPermits) add(out, `${rule}_EXTENDED`, [wKey], [rKey], a, b);
    else if (aSchema && bSchema) nest(out, this.raw(aSchema, w.scope, bSchema, r.scope), [wKey], [rKey]);
  }

  private unevaluated(w: NodeOf<'typed'>, r: NodeOf<'typed'>, keyword: 'unevaluatedProperties' | 'unevaluatedItems', out: Out): void {
    const a = w.raw[keyword];
    const b = r.raw[keyword];
    if (a === undefined && b === undefined) return;
    const rule = keyword === 'unevaluatedProperties' ? 'UNEVALUATED_PROPERTIES' : 'UNEVALUATED_ITEMS';
    const at = [keyword];
    const aAll = a === undefined || a === true || (isObject(a) && acceptsEverything(a));
    const bAll = b === undefined || b === true || (isObject(b) && acceptsEverything(b));
    if (a !== false && b === false) add(out, `${rule}_FORBIDDEN`, at, at, a, b);
    else if (a === false && b !== false) add(out, `${rule}_ALLOWED`, at, at, a, b);
    else if (aAll && !bAll) add(out, `${rule}_NARROWED`, at, at, a, b);
    else if (!aAll && bAll) add(out, `${rule}_EXTENDED`, at, at, a, b);
    else if (!aAll && !bAll) nest(out, this.raw(a, w.scope, b, r.scope), at, at);
  }

  private dependencies(w: NodeOf<'typed'>, r: NodeOf<'typed'>, out: Out): void {
    const wd = dependencyView(w.raw);
    const rd = dependencyView(r.raw);
    for (const k of union(Object.keys(wd.required), Object.keys(rd.required))) {
      const a = wd.required[k];
      const b = rd.required[k];
      const wAt = [wd.requiredKey, k];
      const rAt = [rd.requiredKey, k];
      if (!b) add(out, 'DEPENDENT_REQUIRED_REMOVED', wAt, [], a);
      else if (!a) add(out, 'DEPENDENT_REQUIRED_ADDED', [], rAt, undefined, b);
      else {
        const aSet = new Set(a);
        const bSet = new Set(b);
        if (a.length === b.length && a.every((x) => bSet.has(x))) continue;
        if (a.every((x) => bSet.has(x))) add(out, 'DEPENDENT_REQUIRED_EXTENDED', wAt, rAt, a, b);
        else if (b.every((x) => aSet.has(x))) add(out, 'DEPENDENT_REQUIRED_NARROWED', wAt, rAt, a, b);
        else add(out, 'DEPENDENT_REQUIRED_CHANGED', wAt, rAt, a, b);
      }
    }
    for (const k of union(Object.keys(wd.schemas), Object.keys(rd.schemas))) {
      const wAt = [wd.schemasKey, k];
      const rAt = [rd.schemasKey, k];
      if (!(k in rd.schemas)) add(out, 'DEPENDENT_SCHEMA_REMOVED', wAt, []);
      else if (!(k in wd.schemas)) add(out, 'DEPENDENT_SCHEMA_ADDED', [], rAt);
      else nest(out, this.raw(wd.schemas[k], w.scope, rd.schemas[k], r.scope), wAt, rAt);
    }
  }

  private optionalSchema(
    w: NodeOf<'typed'>,
    r: NodeOf<'typed'>,
    keyword: string,
    added: RuleId,
    removed: RuleId,
    out: Out,
  ): void {
    const a = w.raw[keyword];
    const b = r.raw[keyword];
    if (a === undefined && b === undefined) return;
    const aAll = a === undefined || this.reader.read(a, w.scope).k === 'any';
    const bAll = b === undefined || this.reader.read(b, r.scope).k === 'any';
    if (aAll && bAll) return;
    if (bAll) return add(out, removed, [keyword], [], a);
    if (aAll) return add(out, added, [], [keyword], undefined, b);
    nest(out, this.raw(a, w.scope, b, r.scope), [keyword], [keyword]);
  }

  private array(w: NodeOf<'typed'>, r: NodeOf<'typed'>, out: Out): void {
    const wv = arrayView(w.raw);
    const rv = arrayView(r.raw);

    // `items` as one schema for every element.
    const wAll = wv.all !== undefined && this.reader.read(wv.all, w.scope).k !== 'any' ? wv.all : undefined;
    const rAll = rv.all !== undefined && this.reader.read(rv.all, r.scope).k !== 'any' ? rv.all : undefined;
    if (wAll !== undefined && rAll === undefined) add(out, 'ITEMS_SCHEMA_REMOVED', ['items'], [], wAll);
    else if (wAll === undefined && rAll !== undefined) add(out, 'ITEMS_SCHEMA_ADDED', [], ['items'], undefined, rAll);
    else if (wAll !== undefined && rAll !== undefined) nest(out, this.raw(wAll, w.scope, rAll, r.scope), ['items'], ['items']);

    // Tuples: position by position, then what each side's "rest" says about the other's extras.
    const n = Math.min(wv.prefix.length, rv.prefix.length);
    for (let i = 0; i < n; i++) {
      nest(out, this.raw(wv.prefix[i], w.scope, rv.prefix[i], r.scope), [wv.prefixKey, String(i)], [rv.prefixKey, String(i)]);
    }
    for (let i = n; i < wv.prefix.length; i++) {
      const at = [wv.prefixKey, String(i)];
      const model = arrayModel(rv);
      if (model.kind === 'open') add(out, 'ITEM_REMOVED', at, []);
      else if (model.kind === 'partial') {
        const sub = this.raw(wv.prefix[i], w.scope, model.schema, r.scope);
        nest(out, sub, at, model.path);
        add(out, this.compatible(sub) ? 'ITEM_REMOVED_COVERED' : 'ITEM_REMOVED_NOT_COVERED', at, model.path);
      } else add(out, wv.prefix[i] === false ? 'FORBIDDEN_ITEM_REMOVED' : 'ITEM_REMOVED_FROM_CLOSED_MODEL', at, []);
    }
    for (let i = n; i < rv.prefix.length; i++) {
      const at = [rv.prefixKey, String(i)];
      const model = arrayModel(wv);
      if (model.kind === 'open') {
        add(out, this.reader.read(rv.prefix[i], r.scope).k === 'any' ? 'UNCONSTRAINED_ITEM_ADDED' : 'ITEM_ADDED_TO_OPEN_MODEL', [], at);
      } else if (model.kind === 'partial') {
        const sub = this.raw(model.schema, w.scope, rv.prefix[i], r.scope);
        nest(out, sub, model.path, at);
        add(out, this.compatible(sub) ? 'ITEM_ADDED_COVERED' : 'ITEM_ADDED_NOT_COVERED', model.path, at);
      } else add(out, 'ITEM_ADDED_TO_CLOSED_MODEL', [], at);
    }

    this.additional(w, r, 'additionalItems', out, wv.restKey as 'additionalItems', rv.restKey as 'additionalItems');
    this.unevaluated(w, r, 'unevaluatedItems', out);
    bound(out, 'maxItems', w.raw, r.raw, 'MAX_ITEMS');
    bound(out, 'minItems', w.raw, r.raw, 'MIN_ITEMS');
    const wu = w.raw['uniqueItems'] === true;
    const ru = r.raw['uniqueItems'] === true;
    if (wu && !ru) add(out, 'UNIQUE_ITEMS_REMOVED', ['uniqueItems'], []);
    else if (!wu && ru) add(out, 'UNIQUE_ITEMS_ADDED', [], ['uniqueItems']);
    this.optionalSchema(w, r, 'contains', 'CONTAINS_ADDED', 'CONTAINS_REMOVED', out);
    bound(out, 'maxContains', w.raw, r.raw, 'MAX_CONTAINS');
    bound(out, 'minContains', w.raw, r.raw, 'MIN_CONTAINS');
  }
}

// ------------------------------------------------------------------ helpers

function add(out: Out, rule: RuleId | string, wPath: readonly string[], rPath: readonly string[], wValue?: unknown, rValue?: unknown): void {
  const c: { -readonly [K in keyof Change]: Change[K] } = { rule: rule as RuleId, wPath, rPath };
  if (wValue !== undefined) c.wValue = wValue;
  if (rValue !== undefined) c.rValue = rValue;
  out.push(c);
}

function nest(out: Out, sub: readonly Change[], wSeg: readonly string[], rSeg: readonly string[]): void {
  if (wSeg.length === 0 && rSeg.length === 0) {
    for (const c of sub) out.push(c);
    return;
  }
  for (const c of sub) out.push({ ...c, wPath: [...wSeg, ...c.wPath], rPath: [...rSeg, ...c.rPath] });
}

function sameScope(a: SchemaScope, b: SchemaScope): boolean {
  return a.file === b.file && a.resolver === b.resolver;
}

function identical(w: Node, r: Node): boolean {
  const eq = jsonEqual(w.raw, r.raw);
  return eq === 1 || (eq === 2 && sameScope(w.scope, r.scope));
}

function annotations(a: JsonObject, b: JsonObject, out: Out): void {
  const pairs: [string, RuleId][] = [
    ['title', 'TITLE_CHANGED'],
    ['description', 'DESCRIPTION_CHANGED'],
    ['$id', 'ID_CHANGED'],
    ['default', 'DEFAULT_CHANGED'],
  ];
  for (const [k, rule] of pairs) {
    if (!sameValue(a[k], b[k])) add(out, rule, [k], [k], a[k], b[k]);
  }
}

function emptyFacet(r: NodeOf<'typed'>): NodeOf<'typed'> {
  return { ...r, id: -r.id, raw: {}, explicit: false, whole: false };
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

function record(v: unknown): Readonly<Record<string, unknown>> {
  return isObject(v) ? v : {};
}

function stringSet(v: unknown): Set<string> {
  return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

function hasDefault(schema: unknown): boolean {
  return isObject(schema) && 'default' in schema;
}

const ANNOTATION_ONLY = new Set(['title', 'description', 'default', 'examples', '$comment', '$id', '$schema', 'definitions', '$defs', 'deprecated', 'readOnly', 'writeOnly']);

/** `{}`/`true`-like: a schema object with no validation keyword. */
function acceptsEverything(s: JsonObject): boolean {
  for (const k of Object.keys(s)) if (!ANNOTATION_ONLY.has(k)) return false;
  return true;
}

function permitsAll(v: unknown): boolean {
  return v === undefined || v === true || (isObject(v) && acceptsEverything(v));
}

type Model = { kind: 'open' } | { kind: 'closed' } | { kind: 'partial'; schema: unknown; path: string[] };

/** What an object schema says about a property it does not declare. */
function contentModel(raw: JsonObject, name: string): Model {
  const patterns = record(raw['patternProperties']);
  for (const [p, schema] of Object.entries(patterns)) {
    if (matches(p, name)) return { kind: 'partial', schema, path: ['patternProperties', p] };
  }
  const ap = raw['additionalProperties'];
  if (ap === false) return { kind: 'closed' };
  if (isObject(ap) && !acceptsEverything(ap)) return { kind: 'partial', schema: ap, path: ['additionalProperties'] };
  const up = raw['unevaluatedProperties'];
  if (up === false) return { kind: 'closed' };
  if (isObject(up) && !acceptsEverything(up)) return { kind: 'partial', schema: up, path: ['unevaluatedProperties'] };
  return { kind: 'open' };
}

const regexCache = new Map<string, RegExp | null>();
function matches(pattern: string, name: string): boolean {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = null;
    }
    regexCache.set(pattern, re);
  }
  return re !== null && re.test(name);
}

interface ArrayView {
  readonly all: unknown;
  readonly prefix: readonly unknown[];
  readonly prefixKey: string;
  readonly rest: unknown;
  readonly restKey: string;
  readonly unevaluated: unknown;
}

/** Draft-07 (`items: [...]` + `additionalItems`) and 2020-12 (`prefixItems` + `items`) in one shape. */
function arrayView(raw: JsonObject): ArrayView {
  const items = raw['items'];
  const prefixItems = raw['prefixItems'];
  const unevaluated = raw['unevaluatedItems'];
  if (Array.isArray(items)) return { all: undefined, prefix: items, prefixKey: 'items', rest: raw['additionalItems'], restKey: 'additionalItems', unevaluated };
  if (Array.isArray(prefixItems)) return { all: undefined, prefix: prefixItems, prefixKey: 'prefixItems', rest: items, restKey: 'items', unevaluated };
  return { all: items, prefix: [], prefixKey: 'prefixItems', rest: raw['additionalItems'], restKey: 'additionalItems', unevaluated };
}

function arrayModel(v: ArrayView): Model {
  if (v.rest === false) return { kind: 'closed' };
  if (isObject(v.rest) && !acceptsEverything(v.rest)) return { kind: 'partial', schema: v.rest, path: [v.restKey] };
  if (v.unevaluated === false) return { kind: 'closed' };
  if (isObject(v.unevaluated) && !acceptsEverything(v.unevaluated)) return { kind: 'partial', schema: v.unevaluated, path: ['unevaluatedItems'] };
  return { kind: 'open' };
}

function dependencyView(raw: JsonObject): {
  required: Record<string, string[]>;
  schemas: Record<string, unknown>;
  requiredKey: string;
  schemasKey: string;
} {
  const required: Record<string, string[]> = {};
  const schemas: Record<string, unknown> = {};
  let requiredKey = 'dependentRequired';
  let schemasKey = 'dependentSchemas';
  for (const [k, v] of Object.entries(record(raw['dependencies']))) {
    if (Array.isArray(v)) {
      required[k] = v.filter((x): x is string => typeof x === 'string');
      requiredKey = 'dependencies';
    } else {
      schemas[k] = v;
      schemasKey = 'dependencies';
    }
  }
  for (const [k, v] of Object.entries(record(raw['dependentRequired']))) {
    if (Array.isArray(v)) required[k] = v.filter((x): x is string => typeof x === 'string');
  }
  for (const [k, v] of Object.entries(record(raw['dependentSchemas']))) schemas[k] = v;
  return { required, schemas, requiredKey, schemasKey };
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A bound keyword; whether INCREASED or DECREASED is tolerated is the rule table's business. */
function bound(out: Out, keyword: string, w: JsonObject, r: JsonObject, prefix: string): void {
  const a = num(w[keyword]);
  const b = num(r[keyword]);
  if (a === b) return;
  if (a === undefined) add(out, `${prefix}_ADDED`, [], [keyword], undefined, b);
  else if (b === undefined) add(out, `${prefix}_REMOVED`, [keyword], [], a);
  else add(out, a < b ? `${prefix}_INCREASED` : `${prefix}_DECREASED`, [keyword], [keyword], a, b);
}

function stringKeywords(w: JsonObject, r: JsonObject, out: Out): void {
  bound(out, 'maxLength', w, r, 'MAX_LENGTH');
  bound(out, 'minLength', w, r, 'MIN_LENGTH');
  optionalText(out, 'pattern', w, r, 'PATTERN');
  optionalText(out, 'format', w, r, 'FORMAT');
}

function optionalText(out: Out, keyword: string, w: JsonObject, r: JsonObject, prefix: string): void {
  const a = typeof w[keyword] === 'string' ? (w[keyword] as string) : undefined;
  const b = typeof r[keyword] === 'string' ? (r[keyword] as string) : undefined;
  if (a === b) return;
  if (a === undefined) add(out, `${prefix}_ADDED`, [], [keyword], undefined, b);
  else if (b === undefined) add(out, `${prefix}_REMOVED`, [keyword], [], a);
  else add(out, `${prefix}_CHANGED`, [keyword], [keyword], a, b);
}

function numberKeywords(w: JsonObject, r: JsonObject, out: Out): void {
  bound(out, 'maximum', w, r, 'MAXIMUM');
  bound(out, 'minimum', w, r, 'MINIMUM');
  bound(out, 'exclusiveMaximum', w, r, 'EXCLUSIVE_MAXIMUM');
  bound(out, 'exclusiveMinimum', w, r, 'EXCLUSIVE_MINIMUM');
  const a = num(w['multipleOf']);
  const b = num(r['multipleOf']);
  if (a === b) return;
  if (a === undefined) return add(out, 'MULTIPLE_OF_ADDED', [], ['multipleOf'], undefined, b);
  if (b === undefined) return add(out, 'MULTIPLE_OF_REMOVED', ['multipleOf'], [], a);
  const ratio = a / b;
  const divides = b !== 0 && Math.abs(ratio - Math.round(ratio)) < 1e-9;
  add(out, divides ? 'MULTIPLE_OF_REDUCED' : 'MULTIPLE_OF_CHANGED', ['multipleOf'], ['multipleOf'], a, b);
}

/** A writer free within a type meets a reader that lists the allowed values. */
function writerTypedReaderValues(w: NodeOf<'typed'>, r: NodeOf<'enum'> | NodeOf<'const'>, out: Out): void {
  const allowed = r.k === 'enum' ? r.values : [r.value];
  const finite = w.t === 'null' ? [null] : w.t === 'boolean' ? [true, false] : undefined;
  if (finite && finite.every((v) => allowed.some((x) => sameValue(x, v)))) return;
  if (r.k === 'enum') add(out, 'ENUM_ADDED', [], ['enum'], undefined, r.values);
  else add(out, 'CONST_ADDED', [], ['const'], undefined, r.value);
}

/** A writer that lists its values: each must be accepted by the reader. */
function valuesAgainst(values: readonly unknown[], w: NodeOf<'enum'> | NodeOf<'const'>, r: Node, out: Out): void {
  const keyword = w.k;
  if (r.k === 'enum' || r.k === 'const') {
    const allowed = r.k === 'enum' ? r.values : [r.value];
    if (w.k === 'const' && r.k === 'const') {
      if (!sameValue(w.value, r.value)) add(out, 'CONST_CHANGED', ['const'], ['const'], w.value, r.value);
      return;
    }
    for (const v of values) if (!allowed.some((x) => sameValue(x, v))) add(out, 'ENUM_VALUE_REMOVED', [keyword], [r.k], v);
    if (w.k === 'enum' && r.k === 'enum') {
      for (const v of r.values) if (!values.some((x) => sameValue(x, v))) add(out, 'ENUM_VALUE_ADDED', [keyword], ['enum'], undefined, v);
    }
    return;
  }
  if (r.k === 'typed') {
    for (const v of values) {
      if (!valueFits(v, r)) return add(out, 'TYPE_CHANGED', [keyword], ['type'], v, typeLabel(r));
    }
    return;
  }
  add(out, 'TYPE_CHANGED', [keyword], [], values, typeLabel(r));
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Whether a listed value satisfies a typed facet; unsure answers are "no" (never a false pass). */
function valueFits(v: unknown, r: NodeOf<'typed'>): boolean {
  const t = jsonType(v);
  if (t !== r.t) return !r.explicit;
  const s = r.raw;
  if (r.t === 'number') {
    const x = v as number;
    if (r.integer && !Number.isInteger(x)) return false;
    const max = num(s['maximum']);
    const min = num(s['minimum']);
    const xmax = num(s['exclusiveMaximum']);
    const xmin = num(s['exclusiveMinimum']);
    const mult = num(s['multipleOf']);
    if (max !== undefined && x > max) return false;
    if (min !== undefined && x < min) return false;
    if (xmax !== undefined && x >= xmax) return false;
    if (xmin !== undefined && x <= xmin) return false;
    if (mult !== undefined && mult !== 0 && Math.abs(x / mult - Math.round(x / mult)) > 1e-9) return false;
    return true;
  }
  if (r.t === 'string') {
    const x = v as string;
    const len = [...x].length;
    const maxL = num(s['maxLength']);
    const minL = num(s['minLength']);
    if (maxL !== undefined && len > maxL) return false;
    if (minL !== undefined && len < minL) return false;
    if (typeof s['pattern'] === 'string' && !matches(s['pattern'], x)) return false;
    return s['format'] === undefined;
  }
  if (r.t === 'object' || r.t === 'array') {
    return Object.keys(s).every((k) => k === 'type' || ANNOTATION_ONLY.has(k));
  }
  return true;
}
