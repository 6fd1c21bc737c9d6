// Payload schemas for an AsyncAPI document: each version's payload as written, with every `$ref`
// (to a catalog definition, a schema file, a place inside either) pointing into
// `components.schemas` instead. AsyncAPI requires a referenced schema to be in the same
// `schemaFormat` as the schema that references it, so every shared schema is a Multi Format
// Schema Object (`{ schemaFormat, schema }`) in its dialect, referenced as
// `#/components/schemas/<Name>/schema`. A definition used from payloads of both dialects is placed
// once per dialect (`Money`, `Money_draft07`).

import type { Catalog, JsonSchema } from '../../model/types.js';
import { toPointer } from '../../loader/json-pointer.js';
import type { RefResolver } from '../../schema/refs.js';
import { isDraft07 } from '../../schema/refs.js';
import { copySchemaShallow, isSchemaObject, mapSchema } from '../../schema/walk.js';
import { SCHEMA_FORMAT, type Dialect } from '../conventions.js';
import { nameFromTarget, SchemaTargets } from '../schema-targets.js';

export interface MultiFormatSchema {
  readonly schemaFormat: string;
  readonly schema: unknown;
}

/** The dialect a schema declares; `fallback` when it declares none (edasaga's default is 2020-12). */
export function dialectOf(schema: unknown, fallback: Dialect = '2020-12'): Dialect {
  if (isDraft07(schema)) return 'draft-07';
  return isSchemaObject(schema) && typeof schema['$schema'] === 'string' ? '2020-12' : fallback;
}

export class SchemaExporter {
  private readonly targets = new SchemaTargets();
  private readonly components = new Map<string, MultiFormatSchema | undefined>();
  private readonly order = new Map<string, number>();
  private readonly placedDefinitions = new Set<string>();
  private readonly catalogFile: string;

  constructor(
    private readonly catalog: Catalog,
    private readonly resolver: RefResolver,
  ) {
    this.catalogFile = resolver.catalogFile;
    const names = Object.keys(catalog.definitions);
    names.forEach((name, i) => {
      this.targets.reserve(name);
      this.order.set(name, i);
    });
  }

  /** A version's payload as a Multi Format Schema Object, its `$ref`s pointing into components. */
  payload(schema: JsonSchema): MultiFormatSchema {
    const dialect = dialectOf(schema);
    return { schemaFormat: SCHEMA_FORMAT[dialect], schema: this.convert(schema, this.catalogFile, dialect) };
  }

  /** Places every catalog definition no payload referenced (the whole-catalog export keeps them all). */
  includeAllDefinitions(): void {
    for (const [name, schema] of Object.entries(this.catalog.definitions)) {
      if (!this.placedDefinitions.has(name)) this.refTo(this.catalogFile, toPointer(['definitions', name]), dialectOf(schema));
    }
  }

  /** `components.schemas`: catalog definitions in catalog order, then everything else in the order met. */
  schemas(): Record<string, MultiFormatSchema> {
    const rank = (name: string) => this.order.get(name) ?? this.order.size;
    const entries = [...this.components.entries()].map(([name, value], i) => ({ name, value: value!, i }));
    entries.sort((a, b) => rank(a.name) - rank(b.name) || a.i - b.i);
    return Object.fromEntries(entries.map((e) => [e.name, e.value]));
  }

  private convert(schema: unknown, file: string, dialect: Dialect): unknown {
    return mapSchema(schema, (node, recurse) => {
      const copy = copySchemaShallow(node, recurse);
      const ref = node['$ref'];
      if (typeof ref === 'string') {
        const res = this.resolver.resolveRef(ref, file);
        // Validation resolved every ref already; one that does not resolve now is left as written.
        if (res.ok) copy['$ref'] = this.refTo(res.target.file, res.target.pointer, dialect);
      }
      return copy;
    });
  }

  private refTo(file: string, pointer: string, dialect: Dialect): string {
    let placed = this.targets.find(file, pointer, dialect);
    if (placed === undefined) {
      const rootPointer = this.rootFor(file, pointer);
      const name = this.nameFor(file, rootPointer, dialect);
      this.targets.place(file, rootPointer, name, dialect);
      this.components.set(name, undefined); // placed before converting, so recursive schemas find it
      const res = this.resolver.resolveRef(`#${encodeURI(rootPointer)}`, file);
      const schema = res.ok ? res.target.schema : {};
      const own = dialectOf(schema, dialect);
      this.components.set(name, { schemaFormat: SCHEMA_FORMAT[own], schema: this.convert(schema, file, own) });
      placed = { name, rest: pointer.slice(rootPointer.length) };
    }
    return `#/components/schemas/${placed.name}/schema${placed.rest}`;
  }

  /** A definition keeps its name the first time it is placed; later dialects and other targets get new ones. */
  private nameFor(file: string, rootPointer: string, dialect: Dialect): string {
    const definition = this.definitionAt(file, rootPointer);
    if (definition !== undefined && !this.placedDefinitions.has(definition)) {
      this.placedDefinitions.add(definition);
      return definition;
    }
    if (definition !== undefined) return this.targets.uniqueName(`${definition}_${dialect === 'draft-07' ? 'draft07' : 'v2020_12'}`);
    return this.targets.uniqueName(nameFromTarget(file, rootPointer));
  }

  private definitionAt(file: string, rootPointer: string): string | undefined {
    const m = file === this.catalogFile ? /^\/definitions\/([^/]+)$/.exec(rootPointer) : null;
    return m && this.order.has(m[1]!) ? m[1]! : undefined;
  }

  /** A definition's own pointer when the target is inside one; otherwise the target itself. */
  private rootFor(file: string, pointer: string): string {
    if (file === this.catalogFile) {
      const m = /^\/definitions\/[^/]+/.exec(pointer);
      if (m) return m[0];
    }
    return pointer;
  }

}
