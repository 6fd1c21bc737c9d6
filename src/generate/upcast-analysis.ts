// Decides, for each pair of consecutive versions of a message, whether the upcaster can be generated.
// Mechanical: the new version only adds properties that are optional or have a default, makes
// required properties optional, or gives a property a default; every property it keeps is unchanged.
// Anything else (a removed, renamed or retyped property, a new required property without a default)
// needs a person: the user writes that step in a hook.
import type { JsonSchema, Message } from '../model/types.js';

type SchemaObject = { readonly [keyword: string]: unknown };

export interface Assignment {
  readonly property: string;
  /** JSON of the default value. */
  readonly value: string;
  /** True when the property exists in the old version (keep its value when present). */
  readonly keepExisting: boolean;
}

export type UpcastStep =
  | { readonly from: number; readonly to: number; readonly mechanical: true; readonly assignments: readonly Assignment[]; readonly summary: string }
  | { readonly from: number; readonly to: number; readonly mechanical: false; readonly reasons: readonly string[] };

const ANNOTATIONS = new Set(['description', 'title', 'examples', 'example', '$comment', 'deprecated', 'readOnly', 'writeOnly']);

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of two schemas, ignoring annotations that do not constrain data. */
export function sameSchema(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameSchema(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = (o: SchemaObject) => Object.keys(o).filter((k) => !ANNOTATIONS.has(k)).sort();
    const ka = keys(a);
    const kb = keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameSchema(a[k], b[k]));
  }
  return a === b;
}

function requiredOf(schema: SchemaObject): Set<string> {
  return new Set(Array.isArray(schema['required']) ? schema['required'].filter((r): r is string => typeof r === 'string') : []);
}

export function analyseStep(from: number, oldSchema: JsonSchema, to: number, newSchema: JsonSchema): UpcastStep {
  if (!isObject(oldSchema) || !isObject(newSchema) || !isObject(oldSchema['properties']) || !isObject(newSchema['properties'])) {
    return sameSchema(oldSchema, newSchema)
      ? { from, to, mechanical: true, assignments: [], summary: 'same schema' }
      : { from, to, mechanical: false, reasons: ['the payload is not an object with properties in both versions'] };
  }
  const reasons: string[] = [];
  const rest = (o: SchemaObject) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'properties' && k !== 'required'));
  if (!sameSchema(rest(oldSchema), rest(newSchema))) reasons.push('the payload schema changed beyond its properties');
  const oldProps = oldSchema['properties'];
  const newProps = newSchema['properties'];
  const oldRequired = requiredOf(oldSchema);
  const newRequired = requiredOf(newSchema);
  const assignments: Assignment[] = [];
  const added: string[] = [];
  for (const name of Object.keys(oldProps)) {
    if (!(name in newProps)) reasons.push(`property "${name}" was removed`);
  }
  for (const [name, schema] of Object.entries(newProps)) {
    const hasDefault = isObject(schema) && 'default' in schema;
    if (name in oldProps) {
      const oldSchemaOfProp = oldProps[name];
      const withoutDefault = (s: unknown) => (isObject(s) ? Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'default')) : s);
      if (!sameSchema(withoutDefault(oldSchemaOfProp), withoutDefault(schema))) reasons.push(`property "${name}" changed its schema`);
      else if (newRequired.has(name) && !oldRequired.has(name)) {
        if (hasDefault) assignments.push({ property: name, value: JSON.stringify(schema['default']), keepExisting: true });
        else reasons.push(`property "${name}" became required and has no default`);
      }
    } else {
      added.push(name);
      if (hasDefault) assignments.push({ property: name, value: JSON.stringify(schema['default']), keepExisting: false });
      else if (newRequired.has(name)) reasons.push(`property "${name}" was added as required without a default`);
    }
  }
  if (reasons.length > 0) return { from, to, mechanical: false, reasons };
  const parts = [added.length > 0 ? `adds ${added.map((n) => `"${n}"`).join(', ')}` : 'no new properties'];
  if (assignments.length > 0) parts.push(`defaults ${assignments.map((a) => `${a.property} = ${a.value}`).join(', ')}`);
  return { from, to, mechanical: true, assignments, summary: parts.join('; ') };
}

export function upcastSteps(message: Message): UpcastStep[] {
  const steps: UpcastStep[] = [];
  for (let i = 0; i + 1 < message.versions.length; i++) {
    const older = message.versions[i];
    const newer = message.versions[i + 1];
    if (older === undefined || newer === undefined) continue;
    steps.push(analyseStep(older.version, older.payload, newer.version, newer.payload));
  }
  return steps;
}
