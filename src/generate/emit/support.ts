// src/generated/support.ts: the small fixed library every generated message module uses (errors
// naming the field, typed envelopes, envelope options, the handler context). Fixed text: the same
// for every catalog.
import type { PlannedFile } from '../plan.js';
import { layout } from '../layout.js';

const SUPPORT = `import type { EventEnvelope } from './runtime/envelope.js';

/** One reason a payload was rejected. */
export interface FieldError {
  /** JSON pointer of the offending field ('' for the payload itself), e.g. \`/items/0/quantity\`. */
  readonly path: string;
  /** The field in readable form, e.g. \`items[0].quantity\` (\`(payload)\` for the payload itself). */
  readonly field: string;
  /** What was expected, e.g. \`must be >= 1\`. */
  readonly message: string;
  /** The JSON Schema keyword that failed, e.g. \`minimum\`. */
  readonly keyword: string;
}

/** An error as ajv standalone validators report it. */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** A precompiled (ajv standalone) validator: no schema is compiled when a service starts. */
export interface CompiledValidator {
  (data: unknown): boolean;
  readonly errors?: readonly SchemaError[] | null;
}

export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/** A payload that does not match its schema, on publish or on receive. */
export class MessageValidationError extends Error {
  override readonly name = 'MessageValidationError';
  readonly messageName: string;
  readonly version: number;
  readonly errors: readonly FieldError[];

  constructor(messageName: string, version: number, errors: readonly FieldError[]) {
    super(\`\${messageName} v\${version} is invalid: \${errors.map((e) => \`\${e.field} \${e.message}\`).join('; ')}\`);
    this.messageName = messageName;
    this.version = version;
    this.errors = errors;
  }
}

/** A message whose type or version this code does not know (regenerate from a newer catalog). */
export class UnknownMessageError extends Error {
  override readonly name = 'UnknownMessageError';
  readonly type: string;
  readonly version: number;

  constructor(type: string, version: number, known?: readonly number[]) {
    super(
      known === undefined
        ? \`unknown message type "\${type}" (version \${version})\`
        : \`unknown version \${version} of "\${type}" (known: \${known.join(', ')}); regenerate from the latest catalog\`,
    );
    this.type = type;
    this.version = version;
  }
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function readableField(pointer: string): string {
  if (pointer === '') return '(payload)';
  let field = '';
  for (const segment of pointer.split('/').slice(1).map(unescapePointer)) {
    if (/^[0-9]+$/.test(segment)) field += \`[\${segment}]\`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) field += field === '' ? segment : \`.\${segment}\`;
    else field += \`[\${JSON.stringify(segment)}]\`;
  }
  return field;
}

/** Turns ajv errors into errors that name the field (a missing or unexpected one included). */
export function fieldErrors(errors: readonly SchemaError[] | null | undefined): readonly FieldError[] {
  return (errors ?? []).map((error) => {
    let path = error.instancePath;
    let message = error.message ?? \`fails "\${error.keyword}"\`;
    const missing = error.params['missingProperty'];
    const extra = error.params['additionalProperty'];
    if (error.keyword === 'required' && typeof missing === 'string') {
      path = \`\${path}/\${missing.replace(/~/g, '~0').replace(/\\//g, '~1')}\`;
      message = 'is required';
    } else if (error.keyword === 'additionalProperties' && typeof extra === 'string') {
      path = \`\${path}/\${extra.replace(/~/g, '~0').replace(/\\//g, '~1')}\`;
      message = 'is not allowed (unknown property)';
    } else if (error.keyword === 'enum' && Array.isArray(error.params['allowedValues'])) {
      message = \`must be one of \${error.params['allowedValues'].map((v) => JSON.stringify(v)).join(', ')}\`;
    }
    return { path, field: readableField(path), message, keyword: error.keyword };
  });
}

export function check<T>(validator: CompiledValidator, data: unknown): ValidationResult<T> {
  return validator(data) ? { ok: true, value: data as T } : { ok: false, errors: fieldErrors(validator.errors) };
}

/** Returns \`data\` typed when it matches; otherwise throws a MessageValidationError naming the fields. */
export function expectValid<T>(validator: CompiledValidator, messageName: string, version: number, data: unknown): T {
  if (validator(data)) return data as T;
  throw new MessageValidationError(messageName, version, fieldErrors(validator.errors));
}

/** A CloudEvents envelope whose \`type\` is known, so that a union of them narrows on \`type\`. */
export interface TypedEnvelope<N extends string, T> extends EventEnvelope<T> {
  readonly type: N;
}

/** What a producer may set on an envelope; everything else is derived from the catalog. */
export interface EnvelopeOptions {
  readonly id?: string;
  readonly time?: string;
  /** Overrides the ordering key taken from the payload. */
  readonly subject?: string;
  readonly correlationid?: string;
  readonly causationid?: string;
  /** The message being handled: its correlationid is kept and its id becomes the causationid. */
  readonly causedBy?: { readonly id: string; readonly correlationid: string };
}

export interface EnvelopeMeta {
  id?: string;
  time?: string;
  correlationid?: string;
  causationid?: string;
}

/** The envelope attributes \`options\` sets (exactOptionalPropertyTypes: absent, never undefined). */
export function envelopeMeta(options: EnvelopeOptions): EnvelopeMeta {
  const meta: EnvelopeMeta = {};
  if (options.id !== undefined) meta.id = options.id;
  if (options.time !== undefined) meta.time = options.time;
  const correlationid = options.correlationid ?? options.causedBy?.correlationid;
  const causationid = options.causationid ?? options.causedBy?.id;
  if (correlationid !== undefined) meta.correlationid = correlationid;
  if (causationid !== undefined) meta.causationid = causationid;
  return meta;
}

/** Validates an envelope's data with the schema of its version and upcasts it to the latest version. */
export type Decoder<M> = (envelope: EventEnvelope) => M;

/**
 * What a handler gets besides its message. The runtime provides it; services may extend it
 * (every generated handlers interface takes the context type as a parameter).
 */
export interface HandlerContext {
  /** Queues a message to publish once the handler's effects commit (transactional outbox). */
  publish(envelope: EventEnvelope): void;
  log(message: string, fields?: Readonly<Record<string, unknown>>): void;
}
`;

export function emitSupport(): PlannedFile[] {
  return [{ path: layout.support, ownership: 'generated', content: SUPPORT }];
}
