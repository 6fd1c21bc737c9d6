// Array schemas: `items` for every element, tuples position by position (draft-07 `items: [...]`
// and 2020-12 `prefixItems` in one shape), what each side's rest-of-items says about the other's
// extra positions, and the count and `contains` bounds.

import { acceptsEverything, add, additional, bound, nest, optionalSchema, unevaluated, type Comparison, type Model, type Out } from './compare-support.js';
import { isObject, type JsonObject, type NodeOf } from './schema-node.js';

export function compareArray(cx: Comparison, w: NodeOf<'typed'>, r: NodeOf<'typed'>, out: Out): void {
  const wv = arrayView(w.raw);
  const rv = arrayView(r.raw);

  // `items` as one schema for every element.
  const wAll = wv.all !== undefined && cx.reader.read(wv.all, w.scope).k !== 'any' ? wv.all : undefined;
  const rAll = rv.all !== undefined && cx.reader.read(rv.all, r.scope).k !== 'any' ? rv.all : undefined;
  if (wAll !== undefined && rAll === undefined) add(out, 'ITEMS_SCHEMA_REMOVED', ['items'], [], wAll);
  else if (wAll === undefined && rAll !== undefined) add(out, 'ITEMS_SCHEMA_ADDED', [], ['items'], undefined, rAll);
  else if (wAll !== undefined && rAll !== undefined) nest(out, cx.raw(wAll, w.scope, rAll, r.scope), ['items'], ['items']);

  // Tuples: position by position, then what each side's "rest" says about the other's extras.
  const n = Math.min(wv.prefix.length, rv.prefix.length);
  for (let i = 0; i < n; i++) {
    nest(out, cx.raw(wv.prefix[i], w.scope, rv.prefix[i], r.scope), [wv.prefixKey, String(i)], [rv.prefixKey, String(i)]);
  }
  for (let i = n; i < wv.prefix.length; i++) {
    const at = [wv.prefixKey, String(i)];
    const model = arrayModel(rv);
    if (model.kind === 'open') add(out, 'ITEM_REMOVED', at, []);
    else if (model.kind === 'partial') {
      const sub = cx.raw(wv.prefix[i], w.scope, model.schema, r.scope);
      nest(out, sub, at, model.path);
      add(out, cx.compatible(sub) ? 'ITEM_REMOVED_COVERED' : 'ITEM_REMOVED_NOT_COVERED', at, model.path);
    } else add(out, wv.prefix[i] === false ? 'FORBIDDEN_ITEM_REMOVED' : 'ITEM_REMOVED_FROM_CLOSED_MODEL', at, []);
  }
  for (let i = n; i < rv.prefix.length; i++) {
    const at = [rv.prefixKey, String(i)];
    const model = arrayModel(wv);
    if (model.kind === 'open') {
      add(out, cx.reader.read(rv.prefix[i], r.scope).k === 'any' ? 'UNCONSTRAINED_ITEM_ADDED' : 'ITEM_ADDED_TO_OPEN_MODEL', [], at);
    } else if (model.kind === 'partial') {
      const sub = cx.raw(model.schema, w.scope, rv.prefix[i], r.scope);
      nest(out, sub, model.path, at);
      add(out, cx.compatible(sub) ? 'ITEM_ADDED_COVERED' : 'ITEM_ADDED_NOT_COVERED', model.path, at);
    } else add(out, 'ITEM_ADDED_TO_CLOSED_MODEL', [], at);
  }

  additional(cx, w, r, 'additionalItems', out, wv.restKey as 'additionalItems', rv.restKey as 'additionalItems');
  unevaluated(cx, w, r, 'unevaluatedItems', out);
  bound(out, 'maxItems', w.raw, r.raw, 'MAX_ITEMS');
  bound(out, 'minItems', w.raw, r.raw, 'MIN_ITEMS');
  const wu = w.raw['uniqueItems'] === true;
  const ru = r.raw['uniqueItems'] === true;
  if (wu && !ru) add(out, 'UNIQUE_ITEMS_REMOVED', ['uniqueItems'], []);
  else if (!wu && ru) add(out, 'UNIQUE_ITEMS_ADDED', [], ['uniqueItems']);
  optionalSchema(cx, w, r, 'contains', 'CONTAINS_ADDED', 'CONTAINS_REMOVED', out);
  bound(out, 'maxContains', w.raw, r.raw, 'MAX_CONTAINS');
  bound(out, 'minContains', w.raw, r.raw, 'MIN_CONTAINS');
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
