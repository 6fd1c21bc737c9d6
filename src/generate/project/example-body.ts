// A plausible request body for documentation (the README's curl line): built from the schema of
// the starting event, using `examples`, `default`, `enum` and simple guesses for the rest. Not a
// general JSON Schema sampler: anything it cannot guess is left out.
import type { Catalog, JsonSchema, Message } from '../../model/types.js';
import { latestPayload } from './fields.js';

type SchemaObject = { readonly [keyword: string]: unknown };
const isObject = (v: unknown): v is SchemaObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const STRING_GUESSES = ['EUR', 'DE', 'SKU-1', 'customer-1', 'Main Street 1', 'Berlin', '10115', 'x'];

/** A first guess from the property's name (`customerId` -> `customer-1`, `sku` -> `SKU-1`). */
function nameGuess(name: string): string[] {
  if (/currency/i.test(name)) return ['EUR'];
  if (/country/i.test(name)) return ['DE'];
  if (/sku/i.test(name)) return ['SKU-1'];
  if (/postal|zip/i.test(name)) return ['10115'];
  if (/city/i.test(name)) return ['Berlin'];
  if (/line|street|address/i.test(name)) return ['Main Street 1'];
  if (/id$/i.test(name) && name.length > 2) return [`${name.slice(0, -2).replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}-1`];
  return name === '' ? [] : [name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()];
}

function sample(catalog: Catalog, schema: JsonSchema, depth: number, name = ''): unknown {
  if (!isObject(schema) || depth > 6) return undefined;
  const propertyName = name;
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const name = /^#\/definitions\/([^/]+)$/.exec(ref)?.[1];
    return name === undefined ? undefined : sample(catalog, catalog.definitions[name] ?? {}, depth + 1, propertyName);
  }
  if (Array.isArray(schema['examples']) && schema['examples'].length > 0) return schema['examples'][0];
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  if ('default' in schema && schema['default'] !== '') return schema['default'];
  const type = Array.isArray(schema['type']) ? schema['type'][0] : schema['type'];
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const properties = isObject(schema['properties']) ? schema['properties'] : {};
      const required = Array.isArray(schema['required']) ? schema['required'] : Object.keys(properties);
      for (const [name, property] of Object.entries(properties)) {
        if (!required.includes(name)) continue;
        const value = sample(catalog, property as JsonSchema, depth + 1, name);
        if (value !== undefined) out[name] = value;
      }
      return out;
    }
    case 'array': {
      const item = sample(catalog, (schema['items'] ?? {}) as JsonSchema, depth + 1, name);
      return item === undefined ? [] : [item];
    }
    case 'integer':
    case 'number': {
      const minimum = typeof schema['minimum'] === 'number' ? schema['minimum'] : 0;
      return Math.max(minimum, /amount|price|total|cents/i.test(propertyName) ? 1000 : 1);
    }
    case 'boolean':
      return true;
    case 'string': {
      if (schema['format'] === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (schema['format'] === 'date-time') return '2026-01-01T00:00:00Z';
      if (schema['format'] === 'email') return 'someone@example.com';
      const pattern = typeof schema['pattern'] === 'string' ? safeRegExp(schema['pattern']) : undefined;
      const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
      return [...nameGuess(propertyName), ...STRING_GUESSES].find((guess) => guess.length >= minLength && (pattern === undefined || pattern.test(guess))) ?? undefined;
    }
    default:
      return undefined;
  }
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

/** The starting event's required fields, minus the one the server assigns. */
export function exampleBody(catalog: Catalog, message: Message, assigned: string): Record<string, unknown> {
  const body = sample(catalog, latestPayload(message), 0);
  const out = isObject(body) ? { ...body } : {};
  delete out[assigned];
  return out;
}
