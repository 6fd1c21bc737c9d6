// Makes a payload schema self-contained for compiling: the catalog definitions it reaches (directly
// or through other definitions) are copied under its own `definitions`, so `#/definitions/X` keeps
// resolving, and annotations are dropped so they do not bloat the generated validators.
// Hand-written because the payload's refs point into the catalog document, not into the payload;
// a generic bundler would need the whole catalog as a document with an `$id` (see EmitContext.bundle
// for where a richer bundler plugs in).
import type { Catalog, JsonSchema } from '../model/types.js';

type SchemaObject = { readonly [keyword: string]: unknown };

const DEFINITION_REF = /^#\/definitions\/([^/]+)$/;
const ANNOTATIONS = new Set(['description', 'title', 'examples', 'example', '$comment']);
/** Keywords whose value is a map of name -> schema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);
/** Keywords whose value is a schema. */
const SCHEMA_VALUES = new Set([
  'items', 'additionalItems', 'additionalProperties', 'unevaluatedItems', 'unevaluatedProperties', 'not', 'if', 'then',
  'else', 'contains', 'propertyNames',
]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Visits every `$ref` string in schema positions and returns a copy without annotations. */
function walk(schema: unknown, onRef: (ref: string) => void): unknown {
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword) || keyword.startsWith('x-')) continue;
    if (keyword === '$ref' && typeof value === 'string') onRef(value);
    if (SCHEMA_MAPS.has(keyword) && isObject(value)) {
      out[keyword] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, onRef)]));
    } else if (SCHEMA_LISTS.has(keyword) && Array.isArray(value)) {
      out[keyword] = value.map((v) => walk(v, onRef));
    } else if (SCHEMA_VALUES.has(keyword)) {
      out[keyword] = walk(value, onRef);
    } else {
      out[keyword] = value;
    }
  }
  return out;
}

/** A copy of a schema without annotations (descriptions, titles, examples, x-*), for compiling. */
export function stripAnnotations(schema: JsonSchema): JsonSchema {
  return walk(schema, () => undefined) as JsonSchema;
}

export interface BundleProblem {
  readonly ref: string;
  readonly message: string;
}

/** Every `$ref` string found in schema positions of `schema`. */
export function refsOf(schema: JsonSchema): string[] {
  const refs: string[] = [];
  walk(schema, (ref) => refs.push(ref));
  return refs;
}

export function bundlePayload(catalog: Catalog, payload: JsonSchema, problems: BundleProblem[] = []): JsonSchema {
  const included = new Map<string, unknown>();
  const pending: string[] = [];
  const onRef = (ref: string) => {
    const match = DEFINITION_REF.exec(ref);
    if (match === null) {
      problems.push({ ref, message: `cannot bundle $ref ${JSON.stringify(ref)}: only "#/definitions/<Name>" refs are supported here` });
      return;
    }
    const name = decodeURIComponent((match[1] as string).replace(/~1/g, '/').replace(/~0/g, '~'));
    if (included.has(name) || pending.includes(name)) return;
    if (!(name in catalog.definitions)) {
      problems.push({ ref, message: `$ref ${JSON.stringify(ref)} names no definition of the catalog` });
      return;
    }
    pending.push(name);
  };
  const root = walk(payload, onRef);
  while (pending.length > 0) {
    const name = pending.shift() as string;
    included.set(name, walk(catalog.definitions[name], onRef));
  }
  if (!isObject(root)) return root as JsonSchema;
  const { $schema: _ignored, ...rest } = root;
  if (included.size === 0) return rest;
  const own = isObject(rest['definitions']) ? rest['definitions'] : {};
  return { ...rest, definitions: { ...Object.fromEntries(included), ...own } };
}
