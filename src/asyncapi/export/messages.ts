// One AsyncAPI message per message version: the payload, the CloudEvents headers the runtime sends
// with it (binary mode, `ce_` headers: src/runtime/envelope.ts), the ordering key (as the Kafka
// record key and as the correlation id), and the catalog facts AsyncAPI has no field for under
// `x-edasaga`.

import type { Catalog, Message, MessageVersion } from '../../model/types.js';
import { eventSource, eventType } from '../../generate/facts.js';
import { isSchemaObject } from '../../schema/walk.js';
import { CONTENT_TYPE, EXT, HEADERS_COMPONENT, KAFKA_BINDING_VERSION, payloadLocation } from '../conventions.js';
import type { SchemaExporter } from './schemas.js';

/** The headers every message carries (toBinary in src/runtime/envelope.ts), as an AsyncAPI Schema Object. */
export function cloudEventsHeaders(): Record<string, unknown> {
  const text = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', ...extra, description });
  return {
    type: 'object',
    description: 'CloudEvents 1.0 attributes in binary mode, as the edasaga runtime sends them (Kafka record headers, NATS message headers).',
    required: ['content-type', 'ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time', 'ce_dataversion', 'ce_subject', 'ce_correlationid'],
    properties: {
      'content-type': text('Media type of the payload.', { const: CONTENT_TYPE }),
      ce_specversion: text('CloudEvents version.', { const: '1.0' }),
      ce_id: text('Unique id of the message; consumers drop a message whose id they have handled (inbox).'),
      ce_source: text('The producing service: /<namespace>/<service>.', { format: 'uri-reference' }),
      ce_type: text('<namespace>.<message name>.'),
      ce_time: text('When the message was created.', { format: 'date-time' }),
      ce_dataversion: text('Version of the payload schema (the message version).', { pattern: '^[1-9][0-9]*$' }),
      ce_dataschema: text('URI of the payload schema, when set.', { format: 'uri-reference' }),
      ce_subject: text('Value of the ordering key; also the Kafka record key.'),
      ce_correlationid: text('Id shared by every message of one business transaction (a saga instance).'),
      ce_causationid: text('Id of the message that caused this one.'),
    },
  };
}

export function exportMessage(catalog: Catalog, message: Message, version: MessageVersion, schemas: SchemaExporter): Record<string, unknown> {
  const payload = schemas.payload(deprecatedPayload(message, version));
  const extension: Record<string, unknown> = {
    message: message.name,
    version: version.version,
    kind: message.kind,
    service: message.service,
    ...(message.compatibility === 'BACKWARD' ? {} : { compatibility: message.compatibility }),
    ...(message.deprecated ? { deprecated: { reason: message.deprecated.reason, ...(message.deprecated.since === undefined ? {} : { since: message.deprecated.since }) } } : {}),
  };
  const breaks = message.acceptedBreaks.filter((b) => b.version === version.version).map((b) => ({ rule: b.rule, reason: b.reason }));
  if (breaks.length > 0) extension['acceptedBreaks'] = breaks;
  return {
    name: message.name,
    title: `${message.name} v${version.version}`,
    ...(version.description === undefined ? {} : { summary: version.description }),
    ...(message.description === undefined ? {} : { description: message.description }),
    contentType: CONTENT_TYPE,
    headers: {
      allOf: [
        { $ref: `#/components/schemas/${HEADERS_COMPONENT}` },
        {
          type: 'object',
          properties: {
            ce_type: { const: eventType(catalog, message) },
            ce_source: { const: eventSource(catalog, message) },
            ce_dataversion: { const: String(version.version) },
          },
        },
      ],
    },
    payload,
    correlationId: {
      description: `The ordering key: messages with the same ${message.key} keep their order (the partition key; also ce_subject).`,
      location: payloadLocation(message.key),
    },
    bindings: {
      kafka: {
        key: { type: 'string', description: `The value of the payload property ${message.key}.` },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    [EXT]: extension,
  };
}

/**
 * A deprecated message's payloads carry JSON Schema's `deprecated: true` (AsyncAPI 3.0 has no
 * deprecation flag on messages; import takes it off again when `x-edasaga.deprecated` is there).
 */
function deprecatedPayload(message: Message, version: MessageVersion): MessageVersion['payload'] {
  const payload = version.payload;
  if (!message.deprecated || !isSchemaObject(payload) || 'deprecated' in payload) return payload;
  return { ...payload, deprecated: true };
}
