// Object schemas: required, properties judged by the content model (open, closed, or partially
// open through patternProperties/additionalProperties/unevaluatedProperties), dependencies and
// the property-count bounds.

import { acceptsEverything, add, additional, bound, hasDefault, matches, nest, optionalSchema, permitsAll, record, stringSet, unevaluated, union, type Comparison, type Model, type Out } from './compare-support.js';
import { isObject, type JsonObject, type NodeOf } from './schema-node.js';

export function compareObject(cx: Comparison, w: NodeOf<'typed'>, r: NodeOf<'typed'>, out: Out): void {
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
      nest(out, cx.raw(wProps[k], w.scope, rProps[k], r.scope), ['properties', k], ['properties', k]);
    } else if (inW) {
      const model = contentModel(rr, k);
      if (model.kind === 'open') add(out, 'PROPERTY_REMOVED', ['properties', k], []);
      else if (model.kind === 'partial') {
        const sub = cx.raw(wProps[k], w.scope, model.schema, r.scope);
        nest(out, sub, ['properties', k], model.path);
        add(out, cx.compatible(sub) ? 'PROPERTY_REMOVED_COVERED' : 'PROPERTY_REMOVED_NOT_COVERED', ['properties', k], model.path);
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
        else if (cx.reader.read(rProps[k], r.scope).k === 'any') add(out, 'UNCONSTRAINED_PROPERTY_ADDED', [], at);
        else add(out, 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_MODEL', [], at);
      } else {
        if (model.kind === 'partial') {
          const sub = cx.raw(model.schema, w.scope, rProps[k], r.scope);
          nest(out, sub, model.path, at);
          add(out, cx.compatible(sub) ? 'PROPERTY_ADDED_COVERED' : 'PROPERTY_ADDED_NOT_COVERED', model.path, at);
        }
        if (required) add(out, withDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED' : 'REQUIRED_PROPERTY_ADDED', [], at);
        else add(out, 'OPTIONAL_PROPERTY_ADDED', [], at);
      }
    }
  }

  patternProperties(cx, w, r, out);
  additional(cx, w, r, 'additionalProperties', out);
  unevaluated(cx, w, r, 'unevaluatedProperties', out);
  dependencies(cx, w, r, out);
  bound(out, 'maxProperties', wr, rr, 'MAX_PROPERTIES');
  bound(out, 'minProperties', wr, rr, 'MIN_PROPERTIES');
  optionalSchema(cx, w, r, 'propertyNames', 'PROPERTY_NAMES_ADDED', 'PROPERTY_NAMES_REMOVED', out);
}

function patternProperties(cx: Comparison, w: NodeOf<'typed'>, r: NodeOf<'typed'>, out: Out): void {
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
      nest(out, cx.raw(wProps[k], w.scope, rp[p], r.scope), ['properties', k], ['patternProperties', p]);
    }
  }
  for (const p of Object.keys(wp)) {
    const at = ['patternProperties', p];
    if (p in rp) {
      nest(out, cx.raw(wp[p], w.scope, rp[p], r.scope), at, at);
      continue;
    }
    const ap = r.raw['additionalProperties'];
    const up = r.raw['unevaluatedProperties'];
    if (ap === false || (ap === undefined && up === false)) add(out, 'PATTERN_PROPERTY_REMOVED_FROM_CLOSED_MODEL', at, []);
    else if (isObject(ap)) nest(out, cx.raw(wp[p], w.scope, ap, r.scope), at, ['additionalProperties']);
    else add(out, 'PATTERN_PROPERTY_REMOVED', at, []);
  }
  for (const p of Object.keys(rp)) {
    if (p in wp) continue;
    const open = Object.keys(wp).length === 0 && permitsAll(w.raw['additionalProperties']) && permitsAll(w.raw['unevaluatedProperties']);
    add(out, open ? 'PATTERN_PROPERTY_ADDED_TO_OPEN_MODEL' : 'PATTERN_PROPERTY_ADDED', [], ['patternProperties', p]);
  }
}

/** `additionalProperties` / `additionalItems`: false, anything, or a schema. */

function dependencies(cx: Comparison, w: NodeOf<'typed'>, r: NodeOf<'typed'>, out: Out): void {
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
    else nest(out, cx.raw(wd.schemas[k], w.scope, rd.schemas[k], r.scope), wAt, rAt);
  }
}


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
