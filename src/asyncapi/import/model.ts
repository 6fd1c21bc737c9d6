// What the version readers (read-v2.ts, read-v3.ts) make of an AsyncAPI document: its messages,
// who sends and receives them, its shared schemas. The catalog builder reads only this, so 2.x and
// 3.x documents become catalogs the same way. Every element keeps where it came from (file and
// JSON pointer), for located warnings.

import type { Diagnostic, DiagnosticCode } from '../../core/diagnostics.js';
import { escapePointerSegment } from '../../loader/json-pointer.js';
import { isSchemaObject } from '../../schema/walk.js';
import { EXT } from '../conventions.js';
import type { SpecSource } from './read.js';

export interface Loc {
  readonly file: string;
  readonly pointer: string;
}

export type Obj = Record<string, unknown>;

export interface Located<T = Obj> {
  readonly value: T;
  readonly at: Loc;
}

export interface ApiPayload {
  /** The schema as written (a `$ref` to a shared schema stays a `$ref`). */
  readonly schema: unknown;
  readonly at: Loc;
  /** `schemaFormat` as written; undefined means AsyncAPI's own Schema Object. */
  readonly format: string | undefined;
}

export interface ApiMessage {
  /** Where the message object is (after following `$ref`s): its identity. */
  readonly id: string;
  readonly at: Loc;
  /** The message object, traits merged in. */
  readonly value: Obj;
  /** The key it is filed under (channel or components map), or a name made up from its operation. */
  readonly key: string;
  readonly payload: ApiPayload | undefined;
  /** Channels it is on, in the order met. */
  readonly topics: { readonly topic: string; readonly at: Loc }[];
}

export interface ApiOperation {
  readonly service: string;
  readonly action: 'send' | 'receive';
  /** ApiMessage ids. */
  readonly messages: readonly string[];
  /** ApiMessage ids of the reply (3.x request/reply). */
  readonly replies: readonly string[];
  readonly at: Loc;
  readonly ext: Obj | undefined;
}

export interface ApiSchema {
  readonly name: string;
  readonly at: Loc;
  readonly schema: unknown;
  readonly format: string | undefined;
}

export interface ApiService {
  readonly name: string;
  readonly description?: string;
  readonly owner?: string;
}

export interface ApiDocument {
  readonly title: string;
  readonly description: string | undefined;
  readonly id: string | undefined;
  readonly ext: Obj | undefined;
  /** Services named by `service:` tags in `info.tags`, with their descriptions. */
  readonly services: ApiService[];
  readonly messages: Map<string, ApiMessage>;
  readonly operations: ApiOperation[];
  readonly schemas: ApiSchema[];
}

/** Shared by the readers: following `$ref`s between AsyncAPI objects, and reporting. */
export class Reader {
  readonly diagnostics: Diagnostic[] = [];
  /** Where each warning was raised, so the catalog can show it beside the element it is about. */
  readonly warningAt = new Map<Diagnostic, Loc>();

  constructor(readonly spec: SpecSource) {}

  get root(): Located {
    return { value: this.spec.doc, at: { file: this.spec.file, pointer: '' } };
  }

  /** Follows `$ref` (chains included) to the object it names; undefined (reported) when it cannot. */
  deref(value: unknown, at: Loc): Located | undefined {
    if (!isSchemaObject(value)) {
      this.error('E_ASYNCAPI_INVALID', `expected an object here, found ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`, at);
      return undefined;
    }
    const ref = value['$ref'];
    if (ref === undefined) return { value, at };
    if (typeof ref !== 'string') {
      this.error('E_ASYNCAPI_INVALID', '$ref must be a string', child(at, '$ref'));
      return undefined;
    }
    const res = this.spec.resolver.resolveChain(ref, at.file);
    if (!res.ok) {
      this.error(res.code, res.message, child(at, '$ref'), res.hint);
      return undefined;
    }
    if (!isSchemaObject(res.target.schema)) {
      this.error('E_ASYNCAPI_INVALID', `$ref "${ref}" does not point at an object`, child(at, '$ref'));
      return undefined;
    }
    return { value: res.target.schema, at: { file: res.target.file, pointer: res.target.pointer } };
  }

  /** The entries of an optional map field (`channels`, `messages`), each with its location. */
  entries(parent: Located, field: string): [string, unknown, Loc][] {
    const v = parent.value[field];
    if (v === undefined || v === null) return [];
    if (!isSchemaObject(v)) {
      this.error('E_ASYNCAPI_INVALID', `\`${field}\` must be a mapping`, child(parent.at, field));
      return [];
    }
    return Object.entries(v).map(([k, x]) => [k, x, child(child(parent.at, field), k)]);
  }

  /** An optional list field's items with their locations. */
  items(parent: Located, field: string): [unknown, Loc][] {
    const v = parent.value[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.error('E_ASYNCAPI_INVALID', `\`${field}\` must be a list`, child(parent.at, field));
      return [];
    }
    return v.map((x, i) => [x, child(child(parent.at, field), String(i))]);
  }

  /**
   * Traits merged into their object: a trait's field never replaces one the object has (AsyncAPI's
   * traits merge mechanism, JSON Merge Patch with the object winning). Hand-written: the merge is
   * a few lines and the order of precedence is the opposite of what merge-patch libraries do.
   */
  withTraits(target: Located): Located {
    const traits = this.items(target, 'traits');
    if (traits.length === 0) return target;
    let merged: Obj = { ...target.value };
    delete merged['traits'];
    for (const [raw, at] of traits) {
      const trait = this.deref(raw, at);
      if (trait) merged = mergeUnder(merged, trait.value);
    }
    return { value: merged, at: target.at };
  }

  ext(value: Obj): Obj | undefined {
    const e = value[EXT];
    return isSchemaObject(e) ? e : undefined;
  }

  error(code: DiagnosticCode, message: string, at: Loc, hint?: string): void {
    this.diagnostics.push({ code, severity: 'error', message, ...this.where(at), ...(hint ? { hint } : {}) });
  }

  warn(code: DiagnosticCode, message: string, at: Loc, hint?: string): void {
    const diagnostic: Diagnostic = { code, severity: 'warning', message, ...this.where(at), ...(hint ? { hint } : {}) };
    this.diagnostics.push(diagnostic);
    this.warningAt.set(diagnostic, at);
  }

  where(at: Loc): { file: string; line?: number; col?: number; endLine?: number; endCol?: number } {
    return { file: at.file, ...(this.spec.sources.span(at.file, at.pointer, 'key') ?? {}) };
  }
}

export function child(at: Loc, segment: string): Loc {
  return { file: at.file, pointer: `${at.pointer}/${escapePointerSegment(segment)}` };
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function mergeUnder(target: Obj, trait: Obj): Obj {
  const out: Obj = { ...target };
  for (const [k, v] of Object.entries(trait)) {
    if (!(k in out)) out[k] = v;
    else if (isSchemaObject(out[k]) && isSchemaObject(v)) out[k] = mergeUnder(out[k] as Obj, v);
  }
  return out;
}
