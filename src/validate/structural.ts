// Checks a parsed catalog or saga against edasaga's JSON Schemas (precompiled ajv validators) and
// turns ajv's raw errors into one designed Diagnostic per mistake: anyOf/oneOf noise collapsed,
// unknown properties with did-you-mean, a typo'd key not also reported as a missing one.

import type { Diagnostic, DiagnosticCode } from '../core/diagnostics.js';
import { getAtPointer, parsePointer, toPointer } from '../loader/json-pointer.js';
import type { SourceIndex } from '../loader/source-index.js';
import { getValidator } from '../schema/validators.js';
import type { ValidationError } from '../schema/validators.js';
import { languageSchema } from '../schema/validator-specs.js';
import { closest, didYouMean } from '../schema/suggest.js';
import { describeContext, describeField, typeName, typeOfValue } from './describe.js';
import type { DocumentKind } from './describe.js';

/** What each pattern of schemas/*.schema.json means, in words. */
const PATTERN_TEXT: Record<string, string> = {
  '^[a-z][a-z0-9]*(-[a-z0-9]+)*$': 'lower-kebab-case (like "order-system")',
  '^[a-z][a-z0-9]*(\\.[a-z][a-z0-9-]*)*$': 'a reverse-DNS namespace (like "com.example.orders")',
  '^[A-Za-z0-9][A-Za-z0-9._-]*$': 'a topic name of letters, digits, ".", "_" and "-" (like "orders")',
  '^[0-9]+(ms|s|m|h)$': 'a duration like 200ms, 30s, 1m or 2h',
};

/** How to write fields people commonly get the shape of wrong. */
const TYPE_EXAMPLES: Record<string, string> = {
  versions: 'number the versions from 1, e.g. "versions: { 1: { payload: { type: object, ... } } }"',
  onFailure: 'write a list, e.g. "onFailure: [PaymentFailed]"',
  onCompleted: 'write a list, e.g. "onCompleted: [OrderConfirmed]"',
  onCompensated: 'write a list, e.g. "onCompensated: [OrderCancelled]"',
  retry: 'e.g. "retry: { maxAttempts: 3, backoff: { initial: 200ms, multiplier: 2, max: 10s } }"',
  compensation: 'e.g. "compensation: { command: RefundPayment, reply: PaymentRefunded }"',
  steps: 'write a list of steps, each starting with "- name: ..."',
  deprecated: 'e.g. "deprecated: { reason: replaced by OrderPlaced, since: 2 }"',
};

/** Errors the semantic rules explain better (names: reserved words, case, file-name safety). */
function handledElsewhere(e: ValidationError): boolean {
  return (
    e.keyword === 'propertyNames' ||
    'propertyName' in (e as unknown as Record<string, unknown>) ||
    (e.keyword === 'pattern' && /^\/(saga(\/steps\/[0-9]+)?|choreography(\/reactions\/[0-9]+)?)\/name$/.test(e.instancePath))
  );
}

export function structuralDiagnostics(kind: DocumentKind, value: unknown, file: string, index: SourceIndex): Diagnostic[] {
  const swapped = wrongKind(kind, value);
  if (swapped) return [{ code: 'E_WRONG_FILE_KIND', severity: 'error', message: swapped.message, file, ...(index.span(file, '', 'value') ?? {}), hint: swapped.hint }];
  const section = kind === 'saga' ? sectionProblem(value) : undefined;
  if (section) return [{ code: 'E_MISSING_SECTION', severity: 'error', message: section.message, file, ...(index.span(file, section.pointer, 'key') ?? index.span(file, '', 'value') ?? {}), hint: section.hint }];
  const validate = getValidator(kind);
  if (validate(value)) return [];
  const errors = collapse((validate.errors ?? []).filter((e) => !handledElsewhere(e)));
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const d = toDiagnostic(kind, e, value, file, index);
    const key = `${d.line}:${d.col}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** A saga passed as the catalog or the other way round: one clear error instead of a dozen. */
/** A saga file has exactly one of `saga:` (orchestrated) and `choreography:`. */
function sectionProblem(value: unknown): { message: string; hint: string; pointer: string } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const saga = keys.includes('saga');
  const choreo = keys.includes('choreography');
  if (saga && choreo) return { message: 'a saga file has either "saga:" or "choreography:", not both', hint: 'put the choreography in a file of its own', pointer: '/choreography' };
  if (!saga && !choreo) return { message: 'a saga file needs a "saga:" (orchestrated) or a "choreography:" section', hint: 'see docs/language.md', pointer: '' };
  return undefined;
}

function wrongKind(kind: DocumentKind, value: unknown): { message: string; hint: string } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (kind === 'saga' && !keys.includes('saga') && (keys.includes('messages') || keys.includes('services'))) {
    return { message: 'this file is an event catalog, not a saga', hint: 'pass it with --catalog; --saga takes saga files (a top-level "saga:" section)' };
  }
  if (kind === 'catalog' && keys.includes('saga') && !keys.includes('messages') && !keys.includes('services')) {
    return { message: 'this file is a saga, not an event catalog', hint: 'pass it with --saga; --catalog takes the catalog (services and messages)' };
  }
  return undefined;
}

/** Reduces ajv's errors to the ones that explain distinct mistakes. */
export function collapse(errors: ValidationError[]): ValidationError[] {
  let list = [...errors];

  // anyOf/oneOf: keep the errors of the branch the value was evidently meant for (the one whose
  // type matched); if no branch matched by type, one "must be X or Y" error replaces them all.
  for (const combo of errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
    const prefix = combo.schemaPath + '/';
    const inside = list.filter((e) => e.schemaPath.startsWith(prefix));
    const byBranch = new Map<string, ValidationError[]>();
    for (const e of inside) {
      const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
    }
    const typed = [...byBranch.values()].filter(
      (errs) => !errs.some((e) => e.keyword === 'type' && e.instancePath === combo.instancePath),
    );
    list = list.filter((e) => e !== combo && !inside.includes(e));
    if (typed.length >= 1) list.push(...typed.reduce((a, b) => (a.length <= b.length ? a : b)));
    else if (combo.keyword === 'oneOf' && inside.length === 0) list.push({ ...combo, keyword: 'oneOfMany' });
    else list.push({ ...combo, keyword: 'typeUnion', params: { types: [...new Set(inside.filter((e) => e.keyword === 'type').flatMap((e) => [e.params['type']].flat()))] } });
  }

  // A value of the wrong type explains everything else said about it and below it.
  const wrongType = list.filter((e) => e.keyword === 'type' || e.keyword === 'typeUnion').map((e) => e.instancePath);
  list = list.filter(
    (e) => !wrongType.some((p) => (e.instancePath === p || e.instancePath.startsWith(p + '/')) && e.keyword !== 'type' && e.keyword !== 'typeUnion'),
  );

  // `topc: orders` is one mistake: an unknown key that is a near miss of a missing required key.
  const unknownByObject = new Map<string, string[]>();
  for (const e of list) {
    if (e.keyword === 'additionalProperties') {
      const p = String(e.params['additionalProperty']);
      unknownByObject.set(e.instancePath, [...(unknownByObject.get(e.instancePath) ?? []), p]);
    }
  }
  list = list.filter((e) => {
    if (e.keyword !== 'required') return true;
    const missing = String(e.params['missingProperty']);
    const unknown = unknownByObject.get(e.instancePath) ?? [];
    return !unknown.some((u) => closest(u, [missing]) === missing);
  });
  return list;
}

function toDiagnostic(kind: DocumentKind, e: ValidationError, root: unknown, file: string, index: SourceIndex): Diagnostic {
  const segments = parsePointer(e.instancePath) ?? [];
  const here = getAtPointer(root, segments);
  const value = here.found ? here.value : undefined;
  const field = describeField(kind, segments, root);
  const ctx = describeContext(kind, segments, root);
  const base = (code: DiagnosticCode, message: string, pointer: string, target: 'key' | 'value', hint?: string): Diagnostic => ({
    code,
    severity: 'error',
    message,
    file,
    ...(index.span(file, pointer, target) ?? {}),
    ...(hint ? { hint } : {}),
  });

  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(e.params['additionalProperty']);
      const known = knownProperties(kind, segments);
      const present = here.found && value !== null && typeof value === 'object' ? Object.keys(value) : [];
      const candidates = known.filter((k) => !present.includes(k));
      const hint = didYouMean(prop, candidates).hint ?? (known.length > 0 ? `expected one of: ${known.join(', ')}` : undefined);
      return base('E_UNKNOWN_PROPERTY', `unknown property "${prop}" in ${ctx}`, toPointer([...segments, prop]), 'key', hint);
    }
    case 'required': {
      const prop = String(e.params['missingProperty']);
      return base('E_MISSING_PROPERTY', `${ctx} is missing required property "${prop}"`, e.instancePath, 'key');
    }
    case 'type': {
      const types = [e.params['type']].flat().map(String);
      const example = TYPE_EXAMPLES[segments[segments.length - 1] ?? ''];
      return base('E_WRONG_TYPE', `${field} must be ${types.map(typeName).join(' or ')}, not ${typeOfValue(value)}`, e.instancePath, 'value', example);
    }
    case 'typeUnion': {
      const types = (e.params['types'] as unknown[]).map(String);
      return base('E_WRONG_TYPE', `${field} must be ${types.map(typeName).join(' or ')}, not ${typeOfValue(value)}`, e.instancePath, 'value');
    }
    case 'enum': {
      const allowed = (e.params['allowedValues'] as unknown[]).map(String);
      const hint = typeof value === 'string' ? didYouMean(value, allowed).hint : undefined;
      return base('E_INVALID_VALUE', `${field} must be one of ${allowed.join(', ')}; got ${typeOfValue(value)}`, e.instancePath, 'value', hint);
    }
    case 'const': {
      const expected = JSON.stringify(e.params['allowedValue']);
      const what = segments.length === 1 && segments[0] === 'edasaga' ? ' (the only language version edasaga knows)' : '';
      return base('E_INVALID_VALUE', `${field} must be ${expected}${what}; got ${typeOfValue(value)}`, e.instancePath, 'value');
    }
    case 'pattern': {
      const text = PATTERN_TEXT[String(e.params['pattern'])] ?? `a string matching ${String(e.params['pattern'])}`;
      return base('E_INVALID_VALUE', `${field} must be ${text}; got ${typeOfValue(value)}`, e.instancePath, 'value');
    }
    case 'minItems':
    case 'minProperties':
    case 'minLength': {
      const limit = Number(e.params['limit']);
      const unit = e.keyword === 'minItems' ? 'item' : e.keyword === 'minProperties' ? 'entry' : 'character';
      const msg = limit === 1 ? `${field} must not be empty` : `${field} must have at least ${limit} ${unit}s`;
      return base('E_INVALID_VALUE', msg, e.instancePath, 'value');
    }
    case 'maxLength':
      return base('E_INVALID_VALUE', `${field} must be at most ${String(e.params['limit'])} characters long`, e.instancePath, 'value');
    case 'minimum':
    case 'maximum': {
      const word = e.keyword === 'minimum' ? 'at least' : 'at most';
      return base('E_INVALID_VALUE', `${field} must be ${word} ${String(e.params['limit'])}; got ${typeOfValue(value)}`, e.instancePath, 'value');
    }
    default:
      return base('E_INVALID_VALUE', `${field} ${e.message ?? 'is invalid'}`, e.instancePath, 'value');
  }
}

/** Property names the language schema allows in the object at `segments` (for did-you-mean). */
function knownProperties(kind: DocumentKind, segments: readonly string[]): string[] {
  // ajv reports schema paths relative to the referenced definition, so walk the schema along the
  // instance path instead.
  const root = languageSchema(kind) as Record<string, unknown>;
  const deref = (node: unknown): Record<string, unknown> | undefined => {
    for (let i = 0; i < 8 && node && typeof node === 'object'; i++) {
      const ref = (node as Record<string, unknown>)['$ref'];
      if (typeof ref !== 'string') return node as Record<string, unknown>;
      const found = getAtPointer(root, parsePointer(ref) ?? []);
      node = found.found ? found.value : undefined;
    }
    return undefined;
  };
  let node = deref(root);
  for (const seg of segments) {
    if (!node) return [];
    const props = node['properties'] as Record<string, unknown> | undefined;
    if (props && Object.prototype.hasOwnProperty.call(props, seg)) node = deref(props[seg]);
    else if (node['additionalProperties'] && typeof node['additionalProperties'] === 'object') node = deref(node['additionalProperties']);
    else if (node['items'] && typeof node['items'] === 'object') node = deref(node['items']);
    else return [];
  }
  const props = node?.['properties'];
  return props && typeof props === 'object' ? Object.keys(props) : [];
}
