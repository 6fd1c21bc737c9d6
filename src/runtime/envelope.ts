// CloudEvents 1.0 envelope shared by every generated service and every transport.
// Structured mode carries the whole event as one JSON document; binary mode carries the
// attributes as `ce_`-prefixed headers (the Kafka and NATS protocol bindings) and `data` as the body.
import { randomUUID } from 'node:crypto';

export interface EventEnvelope<T = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  /** URI-reference of the producing service, e.g. `/com.example.orders/order`. */
  readonly source: string;
  /** Reverse-DNS message type, e.g. `com.example.orders.OrderCreated`. */
  readonly type: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  /** Schema version of `data` (extension attribute: CloudEvents names are lowercase alphanumerics). */
  readonly dataversion: number;
  readonly dataschema?: string;
  /** The ordering key (aggregate id); becomes the broker's partition key. */
  readonly subject: string;
  /** Id shared by every message of one business transaction (the saga's correlation id). */
  readonly correlationid: string;
  /** Id of the message that caused this one. */
  readonly causationid?: string;
  /**
   * W3C Trace Context of the message's creation (CloudEvents distributed-tracing extension): set
   * when the publishing unit of work was traced (observability/tracing.ts), restored by the consumer.
   */
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly data: T;
}

export interface NewEnvelope<T> {
  readonly source: string;
  readonly type: string;
  readonly dataversion: number;
  readonly subject: string;
  readonly data: T;
  readonly id?: string;
  readonly time?: string;
  readonly dataschema?: string;
  readonly correlationid?: string;
  readonly causationid?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export function createEnvelope<T>(init: NewEnvelope<T>): EventEnvelope<T> {
  const id = init.id ?? randomUUID();
  return {
    specversion: '1.0',
    id,
    source: init.source,
    type: init.type,
    time: init.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    dataversion: init.dataversion,
    ...(init.dataschema === undefined ? {} : { dataschema: init.dataschema }),
    subject: init.subject,
    correlationid: init.correlationid ?? id,
    ...(init.causationid === undefined ? {} : { causationid: init.causationid }),
    ...(init.traceparent === undefined ? {} : { traceparent: init.traceparent }),
    ...(init.tracestate === undefined ? {} : { tracestate: init.tracestate }),
    data: init.data,
  };
}

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

const REQUIRED_STRINGS = ['id', 'source', 'type', 'time', 'subject', 'correlationid'] as const;

/** Checks the attributes of an envelope read from the wire; `data` is checked by the message's validator. */
export function assertEnvelope(value: unknown): asserts value is EventEnvelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EnvelopeError('event is not a JSON object');
  }
  const record = value as Record<string, unknown>;
  if (record['specversion'] !== '1.0') {
    throw new EnvelopeError(`unsupported CloudEvents specversion ${JSON.stringify(record['specversion'])}`);
  }
  for (const name of REQUIRED_STRINGS) {
    if (typeof record[name] !== 'string' || record[name] === '') {
      throw new EnvelopeError(`event attribute "${name}" must be a non-empty string`);
    }
  }
  if (!Number.isInteger(record['dataversion']) || (record['dataversion'] as number) < 1) {
    throw new EnvelopeError('event attribute "dataversion" must be a positive integer');
  }
  if (!('data' in record)) throw new EnvelopeError('event has no "data"');
}

// ---- structured mode ----------------------------------------------------------------------------

export function toStructured(envelope: EventEnvelope): string {
  return JSON.stringify(envelope);
}

export function fromStructured(text: string | Uint8Array): EventEnvelope {
  const json = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new EnvelopeError(`event is not valid JSON: ${(error as Error).message}`);
  }
  assertEnvelope(parsed);
  return parsed;
}

// ---- binary mode --------------------------------------------------------------------------------

export interface BinaryMessage {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const HEADER_PREFIX = 'ce_';

export function toBinary(envelope: EventEnvelope): BinaryMessage {
  const headers: Record<string, string> = { 'content-type': envelope.datacontenttype };
  for (const [name, value] of Object.entries(envelope)) {
    if (name === 'data' || name === 'datacontenttype' || value === undefined) continue;
    headers[HEADER_PREFIX + name] = String(value);
  }
  return { headers, body: JSON.stringify(envelope.data) };
}

export function fromBinary(message: { readonly headers: Readonly<Record<string, string | undefined>>; readonly body: string | Uint8Array }): EventEnvelope {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith(HEADER_PREFIX) && value !== undefined) attributes[lower.slice(HEADER_PREFIX.length)] = value;
  }
  attributes['dataversion'] = Number(attributes['dataversion']);
  attributes['datacontenttype'] = 'application/json';
  const body = typeof message.body === 'string' ? message.body : Buffer.from(message.body).toString('utf8');
  try {
    attributes['data'] = JSON.parse(body);
  } catch (error) {
    throw new EnvelopeError(`event data is not valid JSON: ${(error as Error).message}`);
  }
  assertEnvelope(attributes);
  return attributes;
}
