// Checks payload schemas: valid JSON Schema for the draft they declare (2020-12 default, draft-07
// accepted), regular expressions that compile, `$ref`s that resolve locally; and answers which
// properties a payload has (for ordering and correlation keys).

import type { Diagnostic, DiagnosticCode } from '../core/diagnostics.js';
import { parsePointer, toPointer } from '../loader/json-pointer.js';
import type { SourceIndex } from '../loader/source-index.js';
import { refProblemsToDiagnostics } from '../schema/refs.js';
import type { RefResolver, SchemaLocation } from '../schema/refs.js';
import { getValidator } from '../schema/validators.js';
import type { ValidationError } from '../schema/validators.js';
import { forEachSubschema, isSchemaObject } from '../schema/walk.js';
import { closest, didYouMean } from '../schema/suggest.js';
import { KEYWORDS_07, KEYWORDS_2020, KNOWN_FORMATS, otherDraftKeyword } from './keywords.js';

const KNOWN_DIALECTS: Record<string, 'meta-2020-12' | 'meta-draft-07'> = {
  'https://json-schema.org/draft/2020-12/schema': 'meta-2020-12',
  'https://json-schema.org/draft/2020-12/schema#': 'meta-2020-12',
  'http://json-schema.org/draft-07/schema': 'meta-draft-07',
  'http://json-schema.org/draft-07/schema#': 'meta-draft-07',
  'https://json-schema.org/draft-07/schema': 'meta-draft-07',
  'https://json-schema.org/draft-07/schema#': 'meta-draft-07',
};

export class PayloadChecker {
  /** Referenced schemas already checked (each is reported once, however often it is used). */
  private readonly checked = new Set<string>();
  /** `file#pointer` of every schema some checked schema references. */
  readonly referenced = new Set<string>();
  /** `$ref`s (and cycles) already reported: one in a shared definition is reached from every payload using it. */
  private readonly reportedRefs = new Set<string>();

  constructor(
    private readonly resolver: RefResolver,
    private readonly index: SourceIndex,
  ) {}

  /** All problems of one schema written at `at`, and of every schema it references. */
  check(schema: unknown, at: SchemaLocation, what: string): Diagnostic[] {
    const key = `${at.file}#${at.pointer}`;
    if (this.checked.has(key)) return [];
    this.checked.add(key);
    const out = this.checkOne(schema, at, what, undefined);
    const targets: { schema: unknown; at: SchemaLocation }[] = [];
    const problems = this.resolver.checkRefs(schema, at, (t) => {
      this.referenced.add(`${t.file}#${t.pointer}`);
      targets.push({ schema: t.schema, at: t });
    });
    const fresh = problems.filter((p) => {
      // A cycle is one mistake, however many `$ref`s it takes: reported at the first one found.
      const where = p.cycle === undefined ? `${p.file}#${p.pointer}` : `cycle:${[...p.cycle].sort().join('|')}`;
      if (this.reportedRefs.has(where)) return false;
      this.reportedRefs.add(where);
      return true;
    });
    out.push(...refProblemsToDiagnostics(fresh, (f, p) => this.index.span(f, p, 'value')));
    const dialect = dialectOf(schema);
    for (const t of targets) {
      const k = `${t.at.file}#${t.at.pointer}`;
      if (this.checked.has(k)) continue;
      this.checked.add(k);
      out.push(...this.checkOne(t.schema, t.at, `the schema at ${describeTarget(t.at, this.resolver.catalogFile)}`, dialect));
    }
    return out;
  }

  private checkOne(schema: unknown, at: SchemaLocation, what: string, inherited: string | undefined): Diagnostic[] {
    const out: Diagnostic[] = [];
    let dialect = inherited ?? 'meta-2020-12';
    if (isSchemaObject(schema) && schema['$schema'] !== undefined) {
      const declared = schema['$schema'];
      const known = typeof declared === 'string' ? KNOWN_DIALECTS[declared] : undefined;
      if (!known) {
        out.push(this.diag('E_SCHEMA_DIALECT', `${what} declares an unsupported $schema ${JSON.stringify(declared)}`, at, '/$schema', 'value',
          'use "https://json-schema.org/draft/2020-12/schema" (the default) or "http://json-schema.org/draft-07/schema#"'));
        return out;
      }
      dialect = known;
    }
    const validate = getValidator(dialect as 'meta-2020-12' | 'meta-draft-07');
    if (!validate(schema)) {
      const draft = dialect === 'meta-draft-07' ? 'draft-07' : '2020-12';
      for (const e of collapseMetaErrors(validate.errors ?? [])) {
        const field = e.instancePath === '' ? what : `"${lastSegment(e.instancePath)}" in ${what}`;
        out.push(this.diag('E_INVALID_PAYLOAD_SCHEMA', `${field} is not valid JSON Schema (${draft}): ${metaMessage(e)}`, at, e.instancePath, 'value'));
      }
    }
    out.push(...this.checkKeywords(schema, at, what, dialect === 'meta-draft-07'));
    walkPatterns(schema, '', (pattern, pointer) => {
      try {
        new RegExp(pattern, 'u');
      } catch (err) {
        out.push(this.diag('E_INVALID_PAYLOAD_SCHEMA', `"pattern" in ${what} is not a valid regular expression: ${(err as Error).message}`, at, pointer, 'value'));
      }
    });
    return out;
  }

  /** Typos of keywords (errors), other unknown keywords and formats (warnings), keywords of the other draft. */
  private checkKeywords(schema: unknown, at: SchemaLocation, what: string, draft07: boolean): Diagnostic[] {
    const out: Diagnostic[] = [];
    const known = draft07 ? KEYWORDS_07 : KEYWORDS_2020;
    const draft = draft07 ? 'draft-07' : '2020-12';
    const walk = (node: unknown, pointer: string): void => {
      if (!isSchemaObject(node)) return;
      for (const key of Object.keys(node)) {
        if (known.has(key) || key.startsWith('x-')) continue;
        const rel = pointer + toPointer([key]);
        if (otherDraftKeyword(key, draft07)) {
          out.push(this.diag('E_UNKNOWN_KEYWORD', `"${key}" in ${what} is not a JSON Schema ${draft} keyword and would be ignored`, at, rel, 'key',
            draft07 ? 'remove "$schema" to use 2020-12, or use the draft-07 equivalent' : 'use the 2020-12 equivalent (prefixItems/items, dependentRequired/dependentSchemas), or declare draft-07'));
          continue;
        }
        const suggestion = closest(key, known);
        if (suggestion !== undefined) {
          out.push(this.diag('E_UNKNOWN_KEYWORD', `unknown keyword "${key}" in ${what}`, at, rel, 'key', `did you mean "${suggestion}"?`));
        } else {
          out.push({ ...this.diag('W_UNKNOWN_KEYWORD', `unknown keyword "${key}" in ${what} is ignored by validation`, at, rel, 'key', 'prefix extension keywords with "x-" to silence this'), severity: 'warning' });
        }
      }
      const format = node['format'];
      if (typeof format === 'string' && !KNOWN_FORMATS.has(format)) {
        const hint = didYouMean(format, KNOWN_FORMATS).hint;
        out.push({ ...this.diag('W_UNKNOWN_FORMAT', `format "${format}" in ${what} is not checked by generated validators`, at, pointer + '/format', 'value', hint), severity: 'warning' });
      }
      forEachSubschema(node, (sub, path) => walk(sub, pointer + toPointer(path)));
    };
    walk(schema, '');
    return out;
  }

  private diag(code: DiagnosticCode, message: string, at: SchemaLocation, rel: string, target: 'key' | 'value', hint?: string): Diagnostic {
    return {
      code,
      severity: 'error',
      message,
      file: at.file,
      ...(this.index.span(at.file, at.pointer + rel, target) ?? {}),
      ...(hint ? { hint } : {}),
    };
  }
}

function dialectOf(schema: unknown): string | undefined {
  if (!isSchemaObject(schema) || typeof schema['$schema'] !== 'string') return undefined;
  return KNOWN_DIALECTS[schema['$schema']];
}

function describeTarget(at: SchemaLocation, catalogFile: string): string {
  const fragment = at.pointer === '' ? '' : `#${at.pointer}`;
  return at.file === catalogFile ? `"${fragment}"` : `"${at.file.split(/[\\/]/).pop()}${fragment}"`;
}

function lastSegment(pointer: string): string {
  const s = parsePointer(pointer) ?? [];
  return s[s.length - 1] ?? '';
}

/** One error per place: the meta-schemas' anyOf branches (e.g. `type`: string or array) are noise. */
function collapseMetaErrors(errors: readonly ValidationError[]): ValidationError[] {
  const byPath = new Map<string, ValidationError[]>();
  for (const e of errors) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const out: ValidationError[] = [];
  for (const [path, errs] of byPath) {
    // A deeper error explains its ancestors' "must match a schema in anyOf" summaries.
    if (errs.every((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf') && [...byPath.keys()].some((p) => p.startsWith(path + '/'))) continue;
    const preferred = errs.find((e) => e.keyword === 'enum') ?? errs.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'type') ?? errs[0]!;
    out.push(preferred);
  }
  return out;
}

function metaMessage(e: ValidationError): string {
  if (e.keyword === 'enum') {
    const allowed = (e.params['allowedValues'] as unknown[]).map(String);
    return `must be one of ${allowed.join(', ')}`;
  }
  if (e.keyword === 'anyOf') return 'has the wrong shape';
  if (e.keyword === 'type') return `must be ${String(e.params['type']).replace(',', ' or ')}`;
  return e.message ?? 'is invalid';
}

function walkPatterns(schema: unknown, pointer: string, visit: (pattern: string, pointer: string) => void): void {
  if (!isSchemaObject(schema)) return;
  if (typeof schema['pattern'] === 'string') visit(schema['pattern'], pointer + '/pattern');
  const pp = schema['patternProperties'];
  if (isSchemaObject(pp)) for (const k of Object.keys(pp)) visit(k, pointer + toPointer(['patternProperties', k]));
  forEachSubschema(schema, (sub, path) => walkPatterns(sub, pointer + toPointer(path), visit));
}

export interface PayloadShape {
  readonly properties: ReadonlySet<string>;
  readonly required: ReadonlySet<string>;
}

/**
 * The top-level properties a payload schema guarantees to describe: its own `properties`, and
 * those of schemas it is made of through a top-level `$ref` or `allOf`. Unresolvable parts are skipped.
 */
export function payloadShape(schema: unknown, at: SchemaLocation, resolver: RefResolver): PayloadShape {
  const properties = new Set<string>();
  const required = new Set<string>();
  const seen = new Set<string>();
  const visit = (node: unknown, file: string, depth: number): void => {
    if (!isSchemaObject(node) || depth > 32) return;
    const props = node['properties'];
    if (isSchemaObject(props)) for (const k of Object.keys(props)) properties.add(k);
    const req = node['required'];
    if (Array.isArray(req)) for (const r of req) if (typeof r === 'string') required.add(r);
    const ref = node['$ref'];
    if (typeof ref === 'string') {
      const res = resolver.resolveRef(ref, file);
      if (res.ok) {
        const key = `${res.target.file}#${res.target.pointer}`;
        if (!seen.has(key)) {
          seen.add(key);
          visit(res.target.schema, res.target.file, depth + 1);
        }
      }
    }
    const allOf = node['allOf'];
    if (Array.isArray(allOf)) for (const sub of allOf) visit(sub, file, depth + 1);
  };
  visit(schema, at.file, 0);
  return { properties, required };
}
