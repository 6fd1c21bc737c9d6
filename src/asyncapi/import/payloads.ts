// Payload schemas for the catalog: JSON Schema (AsyncAPI's Schema Object is read as draft-07, its
// superset) with every `$ref` into components.schemas, another file or elsewhere in the document
// pointing at a catalog definition instead. Schema formats that are not JSON Schema (Avro, RAML,
// Protobuf, OpenAPI) cannot become catalog payloads.

import { toPointer } from '../../loader/json-pointer.js';
import { nameProblem } from '../../names/rules.js';
import { pascalCase } from '../../names/case.js';
import { refProblemsToDiagnostics } from '../../schema/refs.js';
import { copySchemaShallow, forEachSubschema, isSchemaObject, mapSchema } from '../../schema/walk.js';
import { dialectOfFormat, DRAFT_07_URI, HEADERS_COMPONENT, type Dialect } from '../conventions.js';

const OWN_SCHEMAS = HEADERS_COMPONENT.slice(0, HEADERS_COMPONENT.indexOf('.') + 1);
import { nameFromTarget, SchemaTargets } from '../schema-targets.js';
import type { ApiPayload, ApiSchema, Loc, Reader } from './model.js';
import { child } from './model.js';

/** AsyncAPI Schema Object keywords that JSON Schema draft-07 does not have: kept as `x-` annotations. */
const ASYNCAPI_ONLY = ['discriminator', 'externalDocs', 'deprecated'];

export type ImportedPayload = { readonly ok: true; readonly schema: unknown } | { readonly ok: false; readonly reason: string };

interface Pending {
  readonly name: string;
  readonly at: Loc;
  readonly schema: unknown;
  readonly dialect: Dialect;
}

export class SchemaImporter {
  private readonly targets = new SchemaTargets();
  private readonly converted = new Map<string, unknown>();
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly reader: Reader,
    schemas: readonly ApiSchema[],
    messageNames: Iterable<string>,
  ) {
    for (const name of messageNames) this.targets.reserve(name);
    for (const s of schemas) {
      if (s.name.startsWith(OWN_SCHEMAS)) continue; // edasaga's own (the CloudEvents headers)
      const dialect = dialectOfFormat(s.format);
      if (dialect === undefined) {
        reader.warn('W_ASYNCAPI_UNMAPPED', `components.schemas "${s.name}" is in ${s.format}, not JSON Schema: not imported`, s.at);
        continue;
      }
      const name = this.definitionName(s.name);
      this.targets.place(s.at.file, s.at.pointer, name);
      if (s.at.pointer.endsWith('/schema')) this.targets.place(s.at.file, s.at.pointer.slice(0, -'/schema'.length), name);
      this.pending.set(name, { name, at: s.at, schema: s.schema, dialect });
      if (name !== pascalCase(s.name)) reader.warn('W_ASYNCAPI_RENAMED', `components.schemas "${s.name}" becomes definition "${name}" (definitions are PascalCase and differ from message names)`, s.at);
    }
  }

  /** Imports every shared schema, used or not (validate warns about unused ones). */
  includeAll(): void {
    for (const name of [...this.pending.keys()]) this.emit(name);
  }

  /** In the order of components.schemas, then the other schemas in the order they were met. */
  definitions(): Record<string, unknown> {
    const rank = [...this.pending.keys()];
    return Object.fromEntries([...this.converted].sort(([a], [b]) => rank.indexOf(a) - rank.indexOf(b)));
  }

  payload(payload: ApiPayload): ImportedPayload {
    const dialect = dialectOfFormat(payload.format);
    if (dialect === undefined) return { ok: false, reason: `its payload is in ${payload.format}, not JSON Schema` };
    const problems = this.reader.spec.resolver.checkRefs(payload.schema, payload.at);
    this.reader.diagnostics.push(...refProblemsToDiagnostics(problems, (file, pointer) => this.reader.spec.sources.span(file, pointer, 'key')));
    if (problems.length > 0) return { ok: false, reason: 'its payload has references that do not resolve' };
    return { ok: true, schema: this.convert(payload.schema, payload.at, dialect, true) };
  }

  private convert(schema: unknown, at: Loc, dialect: Dialect, root: boolean): unknown {
    if (dialect === 'draft-07') this.warnKeywords(schema, at);
    const out = mapSchema(schema, (node, recurse) => {
      const copy = copySchemaShallow(node, recurse);
      const ref = node['$ref'];
      if (typeof ref === 'string') {
        const res = this.reader.spec.resolver.resolveRef(ref, at.file);
        if (res.ok) copy['$ref'] = this.refTo(res.target.file, res.target.pointer, dialect);
      }
      if (dialect === 'draft-07') {
        for (const k of ASYNCAPI_ONLY) {
          if (k in copy) {
            copy[`x-${k}`] = copy[k];
            delete copy[k];
          }
        }
      }
      return copy;
    });
    if (root && dialect === 'draft-07' && isSchemaObject(out) && out['$schema'] === undefined) return { $schema: DRAFT_07_URI, ...out };
    return out;
  }

  private refTo(file: string, pointer: string, dialect: Dialect): string {
    let placed = this.targets.find(file, pointer);
    if (placed === undefined) {
      const name = this.targets.uniqueName(this.definitionBase(nameFromTarget(file, pointer)));
      this.targets.place(file, pointer, name);
      const res = this.reader.spec.resolver.resolveRef(`#${encodeURI(pointer)}`, file);
      this.pending.set(name, { name, at: { file, pointer }, schema: res.ok ? res.target.schema : {}, dialect });
      placed = { name, rest: '' };
    }
    this.emit(placed.name);
    return `#/definitions/${placed.name}${placed.rest}`;
  }

  private emit(name: string): void {
    const p = this.pending.get(name);
    if (p === undefined || this.converted.has(name)) return;
    this.converted.set(name, true); // placed before converting, so recursive schemas find it
    this.converted.set(name, this.convert(p.schema, p.at, p.dialect, true));
  }

  private definitionName(componentName: string): string {
    return this.targets.uniqueName(this.definitionBase(componentName));
  }

  /** PascalCase, and not a name generated code cannot use (a built-in, a device name). */
  private definitionBase(raw: string): string {
    let base = pascalCase(raw).replace(/^_/, 'S');
    if (base === '') base = 'Schema';
    if (nameProblem('definition', base) !== undefined) base = `${base}Schema`;
    return base.slice(0, 90);
  }

  /** One warning per AsyncAPI-only keyword per schema: they are kept, renamed to `x-<keyword>`. */
  private warnKeywords(schema: unknown, at: Loc): void {
    const seen = new Set<string>();
    const walk = (node: unknown, pointer: string): void => {
      if (!isSchemaObject(node)) return;
      for (const k of ASYNCAPI_ONLY) {
        if (k in node && !seen.has(k) && !(k === 'deprecated' && pointer === at.pointer)) {
          seen.add(k);
          this.reader.warn('W_ASYNCAPI_UNMAPPED', `\`${k}\` is an AsyncAPI Schema keyword, not JSON Schema: kept as \`x-${k}\`, which validation ignores`, child({ file: at.file, pointer }, k));
        }
      }
      forEachSubschema(node, (sub, path) => walk(sub, pointer + toPointer(path)));
    };
    walk(schema, at.pointer);
  }
}
