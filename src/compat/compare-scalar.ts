// Scalars: string and number keywords, and listed values (`enum`, `const`) against each other or
// against a typed schema.

import { canonical, sameValue } from './canonical.js';
import { add, ANNOTATION_ONLY, bound, matches, num, type Out } from './compare-support.js';
import { typeLabel, type JsonObject, type Node, type NodeOf } from './schema-node.js';

export function stringKeywords(w: JsonObject, r: JsonObject, out: Out): void {
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

export function numberKeywords(w: JsonObject, r: JsonObject, out: Out): void {
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
export function writerTypedReaderValues(w: NodeOf<'typed'>, r: NodeOf<'enum'> | NodeOf<'const'>, out: Out): void {
  const allowed = r.k === 'enum' ? r.values : [r.value];
  const finite = w.t === 'null' ? [null] : w.t === 'boolean' ? [true, false] : undefined;
  if (finite && finite.every((v) => allowed.some((x) => sameValue(x, v)))) return;
  if (r.k === 'enum') add(out, 'ENUM_ADDED', [], ['enum'], undefined, r.values);
  else add(out, 'CONST_ADDED', [], ['const'], undefined, r.value);
}

/** A writer that lists its values: each must be accepted by the reader. */
export function valuesAgainst(values: readonly unknown[], w: NodeOf<'enum'> | NodeOf<'const'>, r: Node, out: Out): void {
  const keyword = w.k;
  if (r.k === 'enum' || r.k === 'const') {
    const allowed = r.k === 'enum' ? r.values : [r.value];
    if (w.k === 'const' && r.k === 'const') {
      if (!sameValue(w.value, r.value)) add(out, 'CONST_CHANGED', ['const'], ['const'], w.value, r.value);
      return;
    }
    // Looked up by canonical text, not searched: enums of thousands of values are compared in linear time.
    const accepted = valueSet(allowed);
    for (const v of values) if (!accepted.has(canonical(v))) add(out, 'ENUM_VALUE_REMOVED', [keyword], [r.k], v);
    if (w.k === 'enum' && r.k === 'enum') {
      const had = valueSet(values);
      for (const v of r.values) if (!had.has(canonical(v))) add(out, 'ENUM_VALUE_ADDED', [keyword], ['enum'], undefined, v);
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

/** Listed values by canonical text (what sameValue compares: `1` and `1.0` are one value, `1` and `"1"` two). */
function valueSet(values: readonly unknown[]): Set<string> {
  const set = new Set<string>();
  for (const v of values) set.add(canonical(v));
  return set;
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
