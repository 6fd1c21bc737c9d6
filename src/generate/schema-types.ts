// Prints TypeScript types for JSON Schemas: readonly interfaces for objects (nested objects get
// their own named interfaces), literal unions for enums, unions for oneOf/anyOf, `| null` for
// nullable types. A tiny printer rather than ts-morph: it is the hot path for big catalogs and the
// output is a handful of fixed shapes.
import type { JsonSchema } from '../model/types.js';
import { pascalCase } from '../names/case.js';
import { isSafeIdentifier } from '../names/rules.js';
import { jsDoc, propertyKey, stringLiteral } from './names.js';

type SchemaObject = { readonly [keyword: string]: unknown };

export interface TypeScope {
  /** Declarations produced so far (nested interfaces), in order. */
  readonly declarations: string[];
  /** Names already declared in the module (or in every module, see sharedScope), to keep generated nested names unique. */
  readonly names: Set<string>;
  /** Definition names referenced (to import them). */
  readonly refs: Set<string>;
  /** Maps a `$ref` to the name of a shared type, or undefined when it cannot be typed. */
  readonly resolveRef: (ref: string) => string | undefined;
}

export function newScope(resolveRef: (ref: string) => string | undefined, reserved: Iterable<string> = []): TypeScope {
  return { declarations: [], names: new Set(reserved), refs: new Set(), resolveRef };
}

/**
 * A scope whose names are `taken`, shared with other scopes: nested types of every module that
 * src/generated/index.ts re-exports must be unique across all of them, not only within their module.
 */
export function sharedScope(resolveRef: (ref: string) => string | undefined, taken: Set<string>): TypeScope {
  return { declarations: [], names: taken, refs: new Set(), resolveRef };
}

function isObject(schema: unknown): schema is SchemaObject {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema);
}

function literal(value: unknown): string {
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean' || value === null) return String(value);
  return 'unknown';
}

function union(members: readonly string[]): string {
  const unique = [...new Set(members)];
  if (unique.includes('unknown')) return 'unknown';
  return unique.length === 0 ? 'never' : unique.join(' | ');
}

/** Wraps a type so that `[]` or `&` can follow it. */
function group(type: string): string {
  return /^[A-Za-z0-9_."]+$/.test(type) || /^readonly \w+\[\]$/.test(type) ? type : `(${type})`;
}

function uniqueName(scope: TypeScope, wanted: string): string {
  let name = isSafeIdentifier(wanted) ? wanted : `T${wanted}`;
  for (let i = 2; scope.names.has(name); i++) name = `${wanted}${i}`;
  scope.names.add(name);
  return name;
}

function isObjectSchema(schema: SchemaObject): boolean {
  return schema['type'] === 'object' || (schema['type'] === undefined && isObject(schema['properties']));
}

/** The type expression for `schema`; nested objects are declared in `scope` under names built from `hint`. */
export function typeOf(schema: JsonSchema | unknown, hint: string, scope: TypeScope): string {
  if (schema === true || schema === undefined) return 'unknown';
  if (schema === false) return 'never';
  if (!isObject(schema)) return 'unknown';
  const nullable = schema['nullable'] === true;
  const type = baseType(schema, hint, scope);
  return nullable && type !== 'unknown' && !type.split(' | ').includes('null') ? `${type} | null` : type;
}

function baseType(schema: SchemaObject, hint: string, scope: TypeScope): string {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const name = scope.resolveRef(ref);
    if (name === undefined) return 'unknown';
    scope.refs.add(name);
    return name;
  }
  if ('const' in schema) return literal(schema['const']);
  if (Array.isArray(schema['enum'])) return union(schema['enum'].map(literal));

  const variants = Array.isArray(schema['oneOf']) ? schema['oneOf'] : Array.isArray(schema['anyOf']) ? schema['anyOf'] : undefined;
  const allOf = Array.isArray(schema['allOf']) ? schema['allOf'] : undefined;
  const parts: string[] = [];
  const hasOwnShape = schema['type'] !== undefined || isObject(schema['properties']) || schema['items'] !== undefined;
  if (hasOwnShape) parts.push(ownType(schema, hint, scope));
  if (variants !== undefined) {
    parts.push(group(union(variants.map((v, i) => typeOf(v, `${hint}Option${i + 1}`, scope)))));
  }
  if (allOf !== undefined) {
    for (const [i, member] of allOf.entries()) parts.push(group(typeOf(member, `${hint}Part${i + 1}`, scope)));
  }
  const known = parts.filter((p) => p !== 'unknown');
  if (known.length === 0) return 'unknown';
  if (known.length === 1) {
    const only = known[0] as string;
    return only.startsWith('(') && only.endsWith(')') && variants !== undefined && !hasOwnShape && allOf === undefined
      ? only.slice(1, -1)
      : only;
  }
  return known.join(' & ');
}

function ownType(schema: SchemaObject, hint: string, scope: TypeScope): string {
  const declared = schema['type'];
  if (Array.isArray(declared)) {
    return union(declared.map((t) => (typeof t === 'string' ? primitive(t, schema, hint, scope) : 'unknown')));
  }
  if (typeof declared === 'string') return primitive(declared, schema, hint, scope);
  if (isObjectSchema(schema)) return primitive('object', schema, hint, scope);
  if (schema['items'] !== undefined) return primitive('array', schema, hint, scope);
  return 'unknown';
}

function primitive(type: string, schema: SchemaObject, hint: string, scope: TypeScope): string {
  switch (type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return arrayType(schema, hint, scope);
    case 'object':
      return objectType(schema, hint, scope);
    default:
      return 'unknown';
  }
}

function arrayType(schema: SchemaObject, hint: string, scope: TypeScope): string {
  const tuple = Array.isArray(schema['prefixItems']) ? schema['prefixItems'] : Array.isArray(schema['items']) ? schema['items'] : undefined;
  if (tuple !== undefined) {
    return `readonly [${tuple.map((item, i) => typeOf(item, `${hint}Item${i + 1}`, scope)).join(', ')}]`;
  }
  const item = typeOf(schema['items'], `${hint}Item`, scope);
  return `readonly ${group(item)}[]`;
}

function objectType(schema: SchemaObject, hint: string, scope: TypeScope): string {
  const properties = isObject(schema['properties']) ? schema['properties'] : undefined;
  const additional = schema['additionalProperties'];
  if (properties === undefined || Object.keys(properties).length === 0) {
    if (additional === false) return 'Readonly<Record<string, never>>';
    const value = isObject(additional) ? typeOf(additional, `${hint}Value`, scope) : 'unknown';
    return `{ readonly [key: string]: ${value} }`;
  }
  const name = uniqueName(scope, hint);
  scope.declarations.push(interfaceDeclaration(name, schema, scope));
  return name;
}

/** Doc lines for a property or type: description, then format/default/deprecated tags. */
export function schemaDoc(schema: unknown, extra: readonly (string | undefined)[] = []): readonly (string | undefined)[] {
  if (!isObject(schema)) return extra;
  const lines: (string | undefined)[] = [];
  if (typeof schema['title'] === 'string') lines.push(schema['title']);
  if (typeof schema['description'] === 'string') lines.push(schema['description']);
  lines.push(...extra);
  if (typeof schema['format'] === 'string') lines.push(`@format ${schema['format']}`);
  if ('default' in schema) lines.push(`@default ${JSON.stringify(schema['default'])}`);
  if (schema['deprecated'] === true) lines.push('@deprecated');
  return lines;
}

/**
 * `export interface Name { ... }` for an object schema with properties, otherwise
 * `export type Name = ...;`. Nested declarations land in `scope.declarations` before it.
 */
export function declareType(name: string, schema: JsonSchema, scope: TypeScope, doc: readonly (string | undefined)[] = []): string {
  scope.names.add(name);
  if (isObject(schema) && isObjectSchema(schema) && isObject(schema['properties']) && Object.keys(schema['properties']).length > 0 &&
    schema['oneOf'] === undefined && schema['anyOf'] === undefined && schema['allOf'] === undefined && schema['nullable'] !== true &&
    !Array.isArray(schema['type'])) {
    return interfaceDeclaration(name, schema, scope, doc);
  }
  const type = typeOf(schema, name, scope);
  return `${jsDoc(schemaDoc(schema, doc))}export type ${name} = ${type};\n`;
}

function interfaceDeclaration(name: string, schema: SchemaObject, scope: TypeScope, doc: readonly (string | undefined)[] = []): string {
  const properties = schema['properties'] as SchemaObject;
  const required = new Set(Array.isArray(schema['required']) ? schema['required'].filter((r) => typeof r === 'string') : []);
  const members: string[] = [];
  for (const [property, propertySchema] of Object.entries(properties)) {
    const type = typeOf(propertySchema, `${name}${pascalCase(property)}`, scope);
    const optional = required.has(property) ? '' : '?';
    members.push(`${jsDoc(schemaDoc(propertySchema), '  ')}  readonly ${propertyKey(property)}${optional}: ${type};\n`);
  }
  const additional = schema['additionalProperties'];
  if (additional === true || isObject(additional)) members.push('  readonly [key: string]: unknown;\n');
  return `${jsDoc(schemaDoc(schema, doc))}export interface ${name} {\n${members.join('')}}\n`;
}
