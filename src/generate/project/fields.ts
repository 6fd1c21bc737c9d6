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

/**
 * Whether a value of schema `from` can be put where schema `to` is expected, judged on the parts
 * that shape the TypeScript type ($ref, type, enum, items, properties); constraints such as
 * minLength or format are left to the validator that checks every payload before it is sent.
 */
export function sameSchema(from: JsonSchema, to: JsonSchema): boolean {
  return typeShape(from) === typeShape(to);
}

const SHAPE_KEYWORDS = new Set(['$ref', 'type', 'enum', 'const', 'items', 'properties', 'required', 'additionalProperties', 'oneOf', 'anyOf', 'allOf', 'nullable']);

function typeShape(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(typeShape).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).filter((k) => SHAPE_KEYWORDS.has(k)).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${k === 'properties' ? propertiesShape(value[k]) : typeShape(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function propertiesShape(value: unknown): string {
  if (!isObject(value)) return typeShape(value);
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${typeShape(value[k])}`).join(',')}}`;
}
