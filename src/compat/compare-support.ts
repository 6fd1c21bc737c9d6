// What the per-kind comparators (compare-*.ts) share: the Change they produce, the Comparison
// they recurse through, and the keywords that objects and arrays (or strings and numbers) have in
// common. Split as Confluent's SchemaDiff splits its checker per schema kind.

import type { Policy, RuleId } from './rules.js';
import { isObject, type JsonObject, type Node, type NodeOf, type NodeReader, type SchemaScope } from './schema-node.js';

export interface Change {
  readonly rule: RuleId;
  /** JSON pointer segments into the writer schema. */
  readonly wPath: readonly string[];
  /** JSON pointer segments into the reader schema. */
  readonly rPath: readonly string[];
  readonly wValue?: unknown;
  readonly rValue?: unknown;
}

export type Out = Change[];

export const NONE: readonly Change[] = [];

/** The comparator as the per-kind modules see it: recursion into subschemas and the verdict. */
export interface Comparison {
  readonly policy: Policy;
  readonly reader: NodeReader;
  /** Compares two schemas as written (settling equal subtrees first). */
  raw(w: unknown, wScope: SchemaScope, r: unknown, rScope: SchemaScope): readonly Change[];
  /** Compares two nodes already read (memoised, recursion-safe). */
  nodes(w: Node, r: Node): readonly Change[];
  /** Whether every change is tolerated under the policy. */
  compatible(changes: readonly Change[]): boolean;
}

export function add(out: Out, rule: RuleId | string, wPath: readonly string[], rPath: readonly string[], wValue?: unknown, rValue?: unknown): void {
  const c: { -readonly [K in keyof Change]: Change[K] } = { rule: rule as RuleId, wPath, rPath };
  if (wValue !== undefined) c.wValue = wValue;
  if (rValue !== undefined) c.rValue = rValue;
  out.push(c);
}

export function nest(out: Out, sub: readonly Change[], wSeg: readonly string[], rSeg: readonly string[]): void {
  if (wSeg.length === 0 && rSeg.length === 0) {
    for (const c of sub) out.push(c);
    return;
  }
  for (const c of sub) out.push({ ...c, wPath: [...wSeg, ...c.wPath], rPath: [...rSeg, ...c.rPath] });
}

export function sameScope(a: SchemaScope, b: SchemaScope): boolean {
  return a.file === b.file && a.resolver === b.resolver;
}

export function record(v: unknown): Readonly<Record<string, unknown>> {
  return isObject(v) ? v : {};
}

export function stringSet(v: unknown): Set<string> {
  return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
}

export function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

export function hasDefault(schema: unknown): boolean {
  return isObject(schema) && 'default' in schema;
}

export const ANNOTATION_ONLY = new Set(['title', 'description', 'default', 'examples', '$comment', '$id', '$schema', 'definitions', '$defs', 'deprecated', 'readOnly', 'writeOnly']);

/** `{}`/`true`-like: a schema object with no validation keyword. */
export function acceptsEverything(s: JsonObject): boolean {
  for (const k of Object.keys(s)) if (!ANNOTATION_ONLY.has(k)) return false;
  return true;
}

export function permitsAll(v: unknown): boolean {
  return v === undefined || v === true || (isObject(v) && acceptsEverything(v));
}

const regexCache = new Map<string, RegExp | null>();
export function matches(pattern: string, name: string): boolean {
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

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A bound keyword; whether INCREASED or DECREASED is tolerated is the rule table's business. */
export function bound(out: Out, keyword: string, w: JsonObject, r: JsonObject, prefix: string): void {
  const a = num(w[keyword]);
  const b = num(r[keyword]);
  if (a === b) return;
  if (a === undefined) add(out, `${prefix}_ADDED`, [], [keyword], undefined, b);
  else if (b === undefined) add(out, `${prefix}_REMOVED`, [keyword], [], a);
  else add(out, a < b ? `${prefix}_INCREASED` : `${prefix}_DECREASED`, [keyword], [keyword], a, b);
}

/** What a container says about members it does not declare. */
export type Model = { kind: 'open' } | { kind: 'closed' } | { kind: 'partial'; schema: unknown; path: string[] };

// ------------------------------------------------------------------ keywords objects and arrays share

export function additional(cx: Comparison, w: NodeOf<'typed'>, r: NodeOf<'typed'>, keyword: 'additionalProperties' | 'additionalItems', out: Out, wKey = keyword, rKey = keyword): void {
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
  else if (aSchema && bSchema) nest(out, cx.raw(aSchema, w.scope, bSchema, r.scope), [wKey], [rKey]);
}

export function unevaluated(cx: Comparison, w: NodeOf<'typed'>, r: NodeOf<'typed'>, keyword: 'unevaluatedProperties' | 'unevaluatedItems', out: Out): void {
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
  else if (!aAll && !bAll) nest(out, cx.raw(a, w.scope, b, r.scope), at, at);
}

export function optionalSchema(
  cx: Comparison,
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
  const aAll = a === undefined || cx.reader.read(a, w.scope).k === 'any';
  const bAll = b === undefined || cx.reader.read(b, r.scope).k === 'any';
  if (aAll && bAll) return;
  if (bAll) return add(out, removed, [keyword], [], a);
  if (aAll) return add(out, added, [], [keyword], undefined, b);
  nest(out, cx.raw(a, w.scope, b, r.scope), [keyword], [keyword]);
}
