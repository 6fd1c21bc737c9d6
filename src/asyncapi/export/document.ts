// The AsyncAPI 3.0 document of a catalog (pure: model in, plain data out). One channel per topic,
// one message per message version, operations per service (operations.ts), payloads with their
// shared schemas in components.schemas (schemas.ts). With `service`, one service's view: only its
// operations and what they touch.

import type { Message, Project } from '../../model/types.js';
import type { RefResolver } from '../../schema/refs.js';
import {
  ASYNCAPI_VERSION,
  CONTENT_TYPE,
  DEFAULT_API_VERSION,
  EXT,
  HEADERS_COMPONENT,
  KAFKA_BINDING_VERSION,
  messageId,
  operationId,
  SERVICE_TAG_PREFIX,
} from '../conventions.js';
import { cloudEventsHeaders, exportMessage } from './messages.js';
import { planOperations, type PlannedOperation } from './operations.js';
import { SchemaExporter } from './schemas.js';

export interface ExportOptions {
  /** Only this service's operations (and the channels, messages and schemas they use). */
  readonly service?: string;
}

export interface ExportedDocument {
  readonly [field: string]: unknown;
  readonly channels: Record<string, unknown>;
  readonly operations: Record<string, unknown>;
  readonly components: { readonly schemas: Record<string, unknown>; readonly messages: Record<string, unknown> };
}

export function exportDocument(project: Project, resolver: RefResolver, options: ExportOptions = {}): ExportedDocument {
  const { catalog } = project;
  const operations = planOperations(project).filter((op) => options.service === undefined || op.service === options.service);
  const included = includedMessages(project, operations, options.service === undefined);
  const schemas = new SchemaExporter(catalog, resolver);

  const messages: Record<string, unknown> = {};
  const channels = new Map<string, Record<string, unknown>>();
  for (const message of catalog.messages) {
    if (!included.has(message.name)) continue;
    const channel = channels.get(message.topic) ?? {};
    channels.set(message.topic, channel);
    for (const version of message.versions) {
      const id = messageId(message.name, version.version);
      messages[id] = exportMessage(catalog, message, version, schemas);
      channel[id] = { $ref: `#/components/messages/${id}` };
    }
  }
  if (options.service === undefined) schemas.includeAllDefinitions();

  const services = catalog.services.filter((s) => options.service === undefined || s.name === options.service);
  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: catalog.name,
      version: DEFAULT_API_VERSION,
      ...(catalog.description === undefined ? {} : { description: catalog.description }),
      tags: services.map((s) => ({
        name: SERVICE_TAG_PREFIX + s.name,
        ...(s.description === undefined ? {} : { description: s.description }),
        ...(s.owner === undefined ? {} : { [EXT]: { owner: s.owner } }),
      })),
    },
    defaultContentType: CONTENT_TYPE,
    channels: Object.fromEntries([...channels].map(([topic, channelMessages]) => [topic, channelObject(topic, channelMessages)])),
    operations: Object.fromEntries(operations.map((op) => [operationId(op.service, op.action, op.message.name), operationObject(op)])),
    components: {
      schemas: { [HEADERS_COMPONENT]: cloudEventsHeaders(), ...schemas.schemas() },
      messages,
    },
    [EXT]: { catalog: catalog.name, namespace: catalog.namespace, ...(options.service === undefined ? {} : { service: options.service }) },
  };
}

/** Every message an operation sends, receives or expects as a reply; the whole catalog when `all`. */
function includedMessages(project: Project, operations: readonly PlannedOperation[], all: boolean): Set<string> {
  if (all) return new Set(project.catalog.messages.map((m) => m.name));
  const names = new Set<string>();
  for (const op of operations) {
    names.add(op.message.name);
    for (const reply of replyMessages(op)) names.add(reply.name);
  }
  return names;
}

function channelObject(topic: string, messages: Record<string, unknown>): Record<string, unknown> {
  return {
    address: topic,
    title: topic,
    description:
      `The Kafka topic (NATS JetStream subject) "${topic}". Generated services put EDASAGA_TOPIC_PREFIX, when set, in front of it; ` +
      `messages that cannot be handled go to "${topic}.dlq".`,
    messages,
    bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
  };
}

/** A reply lives on one channel: the replies on the first reply's topic (the others are still received). */
function replyMessages(op: PlannedOperation): Message[] {
  const first = op.replies[0];
  return first === undefined ? [] : op.replies.filter((m) => m.topic === first.topic);
}

function versionRefs(message: Message): { $ref: string }[] {
  return message.versions.map((v) => ({ $ref: `#/channels/${message.topic}/messages/${messageId(message.name, v.version)}` }));
}

function operationObject(op: PlannedOperation): Record<string, unknown> {
  const replies = replyMessages(op);
  const verb = op.action === 'send' ? 'sends' : 'receives';
  return {
    action: op.action,
    channel: { $ref: `#/channels/${op.message.topic}` },
    title: `${op.service} ${verb} ${op.message.name}`,
    ...(op.sagas.length > 0 ? { summary: `Part of ${op.sagas.join(', ')}.` } : {}),
    messages: versionRefs(op.message),
    ...(replies.length > 0
      ? { reply: { channel: { $ref: `#/channels/${replies[0]!.topic}` }, messages: replies.flatMap(versionRefs) } }
      : {}),
    tags: [{ name: SERVICE_TAG_PREFIX + op.service }],
    ...(op.action === 'receive' ? { bindings: { kafka: { groupId: { type: 'string', const: op.service }, bindingVersion: KAFKA_BINDING_VERSION } } } : {}),
    [EXT]: {
      service: op.service,
      ...(op.sagas.length > 0 ? { sagas: op.sagas } : {}),
      ...(op.subscription ? { subscription: true } : {}),
    },
  };
}
