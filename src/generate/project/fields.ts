// The top-level fields of a message's latest payload, for mapping fields by name (saga builders,
// the HTTP API's request body). Only what can be read without interpreting the schema: property
// names, whether each is required, and each property's schema as written.
import type { Catalog, JsonSchema, Message } from '../../model/types.js';

export interface PayloadField {
  readonly name: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
}

type SchemaObject = { readonly [keyword: string]: unknown };

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const LOCAL_REF = /^#\/definitions\/([^/]+)$/;

/** Follows a top-level local `$ref` (a payload written as `$ref: '#/definitions/X'`). */
function resolveTop(catalog: Catalog, schema: JsonSchema): SchemaObject | undefined {
  let current: unknown = schema;
  for (let hops = 0; hops < 8 && isObject(current); hops++) {
    const ref = current['$ref'];
    if (typeof ref !== 'string') return current;
    const name = LOCAL_REF.exec(ref)?.[1];
    if (name === undefined) return undefined;
    current = catalog.definitions[name];
  }
  return isObject(current) ? current : undefined;
}

export function latestPayload(message: Message): JsonSchema {
  return message.versions[message.versions.length - 1]?.payload ?? {};
}

export function payloadFields(catalog: Catalog, message: Message): PayloadField[] {
  const schema = resolveTop(catalog, latestPayload(message));
  if (schema === undefined) return [];
  const properties = isObject(schema['properties']) ? schema['properties'] : {};
  const required = new Set(Array.isArray(schema['required']) ? schema['required'].filter((r): r is string => typeof r === 'string') : []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    required: required.has(name),
    schema: property as JsonSchema,
  }));
}

/** Same schema as written (so the TypeScript types the generator prints are the same too). */
export function sameSchema(a: JsonSchema, b: JsonSchema): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isObject(value)) {
    // `description` and `default` do not change the type.
    const keys = Object.keys(value).filter((k) => k !== 'description' && k !== 'default' && k !== 'examples' && k !== 'title').sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
