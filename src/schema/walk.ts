// Knows which JSON Schema keywords hold subschemas (2020-12 and draft-07), so walking a schema
// never mistakes data (an `enum` value, a `default`, a property *named* "$ref") for a schema.

export type Segment = string | number;

const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'] as const;
const SCHEMA_SINGLES = [
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'not',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
] as const;
const SCHEMA_ARRAYS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;

const SUBSCHEMA_KEYWORDS: ReadonlySet<string> = new Set<string>([...SCHEMA_MAPS, ...SCHEMA_SINGLES, ...SCHEMA_ARRAYS, 'items', 'dependencies']);

export function isSchemaObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Calls `visit` for every direct subschema of `schema` with its path relative to `schema`. */
export function forEachSubschema(schema: unknown, visit: (sub: unknown, path: Segment[]) => void): void {
  if (!isSchemaObject(schema) || !hasSubschemaKeyword(schema)) return;
  for (const k of SCHEMA_MAPS) {
    const m = schema[k];
    if (isSchemaObject(m)) for (const [name, sub] of Object.entries(m)) visit(sub, [k, name]);
  }
  for (const k of SCHEMA_SINGLES) if (k in schema) visit(schema[k], [k]);
  for (const k of SCHEMA_ARRAYS) {
    const a = schema[k];
    if (Array.isArray(a)) a.forEach((sub, i) => visit(sub, [k, i]));
  }
  const items = schema['items'];
  if (Array.isArray(items)) items.forEach((sub, i) => visit(sub, ['items', i]));
  else if (items !== undefined) visit(items, ['items']);
  const deps = schema['dependencies'];
  if (isSchemaObject(deps)) {
    for (const [name, sub] of Object.entries(deps)) if (!Array.isArray(sub)) visit(sub, ['dependencies', name]);
  }
}

/**
 * Most schema nodes are leaves (`{ type: string, format: uuid }`): one pass over their few keys
 * spares the 25 keyword probes below, which dominate validating a catalog with thousands of payloads.
 */
function hasSubschemaKeyword(schema: Record<string, unknown>): boolean {
  for (const k in schema) if (SUBSCHEMA_KEYWORDS.has(k)) return true;
  return false;
}

/** Rebuilds a schema, letting `rewrite` replace any schema node (children are rebuilt first by `recurse`). */
export function mapSchema(schema: unknown, rewrite: (node: Record<string, unknown>, recurse: (sub: unknown) => unknown) => unknown): unknown {
  const recurse = (sub: unknown): unknown => {
    if (!isSchemaObject(sub)) return cloneData(sub);
    return rewrite(sub, recurse);
  };
  return recurse(schema);
}

/** Copies a schema object, passing each subschema through `recurse` and deep-copying other values. */
export function copySchemaShallow(node: Record<string, unknown>, recurse: (sub: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const subPaths = new Map<string, Segment[][]>();
  forEachSubschema(node, (_, path) => {
    const key = String(path[0]);
    const list = subPaths.get(key) ?? [];
    list.push(path);
    subPaths.set(key, list);
  });
  for (const [k, v] of Object.entries(node)) {
    const paths = subPaths.get(k);
    if (!paths) {
      out[k] = cloneData(v);
    } else if (paths.length === 1 && paths[0]!.length === 1) {
      out[k] = recurse(v);
    } else if (Array.isArray(v)) {
      out[k] = v.map((item) => recurse(item));
    } else if (isSchemaObject(v)) {
      const m: Record<string, unknown> = {};
      const schemaNames = new Set(paths.map((p) => String(p[1])));
      for (const [name, sub] of Object.entries(v)) m[name] = schemaNames.has(name) ? recurse(sub) : cloneData(sub);
      out[k] = m;
    } else {
      out[k] = cloneData(v);
    }
  }
  return out;
}

export function cloneData(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneData);
  if (isSchemaObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) out[k] = cloneData(val);
    return out;
  }
  return v;
}

/** Keywords whose subschemas apply to the same value as their parent, not to a part of it. */
const IN_PLACE_ARRAYS = ['allOf', 'anyOf', 'oneOf'] as const;
const IN_PLACE_SINGLES = ['not', 'if', 'then', 'else'] as const;

/** Calls `visit` for every subschema that applies to the value `schema` applies to (`$ref` aside). */
export function forEachInPlaceSubschema(schema: Record<string, unknown>, visit: (sub: Record<string, unknown>, path: Segment[]) => void): void {
  for (const k of IN_PLACE_ARRAYS) {
    const a = schema[k];
    if (Array.isArray(a)) a.forEach((sub, i) => (isSchemaObject(sub) ? visit(sub, [k, i]) : undefined));
  }
  for (const k of IN_PLACE_SINGLES) {
    const sub = schema[k];
    if (isSchemaObject(sub)) visit(sub, [k]);
  }
  const dependent = schema['dependentSchemas'];
  if (isSchemaObject(dependent)) for (const [name, sub] of Object.entries(dependent)) if (isSchemaObject(sub)) visit(sub, ['dependentSchemas', name]);
}

/** Whether `schema` has a `$ref` or an in-place applicator (so it may be on an in-place cycle). */
export function mayApplyInPlace(schema: Record<string, unknown>): boolean {
  return '$ref' in schema || IN_PLACE_ARRAYS.some((k) => k in schema) || IN_PLACE_SINGLES.some((k) => k in schema) || 'dependentSchemas' in schema;
}
