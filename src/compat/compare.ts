// The structural comparison of two JSON Schemas: can a consumer that decodes with READER read
// every document that was valid under WRITER? Produces every change found (tolerated or not),
// each with its rule id and the JSON paths on both sides.
//
// The design follows Confluent Schema Registry's SchemaDiff (whose verdicts we must reproduce):
// keyword families are compared pairwise, content models decide whether an added/removed
// property is harmless, and oneOf/anyOf/allOf branches are paired by maximum bipartite matching
// so that order does not matter. Recursive schemas terminate: a pair already being compared
// higher up the stack is assumed compatible, and every pair is compared once (memoised).
//
// This file is the dispatch (which kind of schema meets which) plus `not` and `if`/`then`/`else`;
// each kind has its own module: compare-combined.ts, compare-object.ts, compare-array.ts,
// compare-scalar.ts, sharing compare-support.ts.

import { containsRef, jsonEqual, sameValue } from './canonical.js';
import { compareArray } from './compare-array.js';
import { combined } from './compare-combined.js';
import { compareObject } from './compare-object.js';
import { numberKeywords, stringKeywords, valuesAgainst, writerTypedReaderValues } from './compare-scalar.js';
import { add, nest, NONE, sameScope, type Change, type Comparison, type Out } from './compare-support.js';
import { isTolerated, type Policy, type RuleId } from './rules.js';
import { isObject, NodeReader, typeLabel, type JsonObject, type Node, type NodeOf, type SchemaScope } from './schema-node.js';

export type { Change } from './compare-support.js';

/**
 * How many comparisons may nest (each level of a schema, each facet, each `$ref` followed). A
 * file nests at most MAX_NESTING_DEPTH levels, but `$ref`s chain files and definitions without
 * limit (a definition per level, thousands long): past this, the pair is refused as invalid
 * input (E_NESTING_TOO_DEEP) rather than the stack overflowing.
 */
export const MAX_COMPARE_DEPTH = 300;

/** Unwinds a comparison that nested too deep, from where it happened to compare(). */
class TooDeep {
  constructor(readonly at: { readonly file: string; readonly pointer: string } | undefined) {}
}

export class SchemaComparator implements Comparison {
  // Keyed writer id -> reader id (numbers: string keys cost more than the comparisons they save).
  private readonly memo = new Map<number, Map<number, readonly Change[]>>();
  private readonly inProgress = new Map<number, Set<number>>();
  /** The pairs being compared, outermost first (to say where a too-deep comparison went). */
  private readonly trail: Node[] = [];

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
    try {
      return this.raw(writer, wScope, reader, rScope);
    } catch (e) {
      if (!(e instanceof TooDeep)) throw e;
      const at = e.at ?? { file: rScope.file, pointer: '' };
      this.reader.problems.push({
        ...at,
        ref: '',
        code: 'E_NESTING_TOO_DEEP',
        message: `comparing the schemas nests more than ${MAX_COMPARE_DEPTH} levels deep by the time it reaches this schema (through \`$ref\`s): edasaga compares at most ${MAX_COMPARE_DEPTH}`,
      });
      return NONE;
    }
  }

  nodes(w: Node, r: Node): readonly Change[] {
    if (w === r) return NONE;
    let row = this.memo.get(w.id);
    const hit = row?.get(r.id);
    if (hit) return hit;
    let busy = this.inProgress.get(w.id);
    if (busy?.has(r.id)) return NONE; // a recursive schema came back to this pair
    if (!busy) this.inProgress.set(w.id, (busy = new Set()));
    if (this.trail.length >= 2 * MAX_COMPARE_DEPTH) throw new TooDeep(this.whereTrailWent());
    busy.add(r.id);
    this.trail.push(w, r);
    const out: Out = [];
    try {
      this.body(w, r, out);
    } finally {
      busy.delete(r.id);
      this.trail.length -= 2;
    }
    const result = out.length === 0 ? NONE : out;
    if (!row) this.memo.set(w.id, (row = new Map()));
    row.set(r.id, result);
    return result;
  }

  raw(w: unknown, wScope: SchemaScope, r: unknown, rScope: SchemaScope): readonly Change[] {
    // Most of a new version is the old one unchanged: settle equal subtrees before reading them.
    const eq = jsonEqual(w, r);
    if (eq === 1 || (eq === 2 && sameScope(wScope, rScope))) return NONE;
    return this.nodes(this.reader.read(w, wScope), this.reader.read(r, rScope));
  }

  /** The innermost schema on the trail that a `$ref` led to (the reader's side first). */
  private whereTrailWent(): { readonly file: string; readonly pointer: string } | undefined {
    for (let i = this.trail.length - 1; i >= 0; i--) {
      const at = this.reader.locationOf(this.trail[i] as Node);
      if (at) return at;
    }
    return undefined;
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
    if (w.k === 'comb' || r.k === 'comb') return combined(this, w, r, out);
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
        return compareObject(this, w, r, out);
      case 'array':
        return compareArray(this, w, r, out);
      default:
        return;
    }
  }
}

// ------------------------------------------------------------------ helpers

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
