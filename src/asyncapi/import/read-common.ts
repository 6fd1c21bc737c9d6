// What 2.x and 3.x documents share: info (title, services as `service:` tags), messages (traits,
// payload and its schema format), which service performs an operation, and reporting the fields a
// catalog has no place for.

import { kebabCase } from '../../names/case.js';
import { isSchemaObject } from '../../schema/walk.js';
import { SERVICE_TAG_PREFIX } from '../conventions.js';
import type { ApiDocument, ApiMessage, ApiPayload, ApiSchema, ApiService, Located, Loc } from './model.js';
import { child, type Reader, str } from './model.js';

export interface Common {
  readonly doc: Pick<ApiDocument, 'title' | 'description' | 'id' | 'ext' | 'services'>;
  /** The service of operations that name none: the application the document describes. */
  readonly appService: string;
}

export function readCommon(reader: Reader): Common {
  const root = reader.root;
  const infoRaw = root.value['info'];
  const info: Located = isSchemaObject(infoRaw) ? { value: infoRaw, at: child(root.at, 'info') } : { value: {}, at: root.at };
  if (!isSchemaObject(infoRaw)) reader.warn('W_ASYNCAPI_GUESSED', 'the document has no `info`; the catalog is named "imported"', root.at);
  const title = str(info.value['title']) ?? 'imported';
  const ext = reader.ext(root.value);
  const services: ApiService[] = [];
  for (const [raw, at] of reader.items(info, 'tags')) {
    const tag = reader.deref(raw, at);
    const name = tag ? str(tag.value['name']) : undefined;
    if (!tag || name === undefined || !name.startsWith(SERVICE_TAG_PREFIX)) continue;
    const description = str(tag.value['description']);
    const owner = str(reader.ext(tag.value)?.['owner']);
    services.push({ name: name.slice(SERVICE_TAG_PREFIX.length), ...(description === undefined ? {} : { description }), ...(owner === undefined ? {} : { owner }) });
  }
  warnUnmapped(reader, info, ['contact', 'license', 'termsOfService', 'externalDocs'], 'info');
  for (const field of ['servers', 'security']) {
    if (root.value[field] !== undefined) {
      reader.warn('W_ASYNCAPI_UNMAPPED', `\`${field}\` is not part of a catalog: generated services read their brokers from the environment (KAFKA_BROKERS, NATS_URL; see docs/transports.md)`, child(root.at, field));
    }
  }
  const description = str(info.value['description']);
  return {
    doc: { title, description, id: str(root.value['id']), ext, services },
    appService: str(ext?.['service']) ?? (kebabCase(title.replace(/[^A-Za-z0-9]+/g, '-')).replace(/-+/g, '-').replace(/^-|-$/g, '') || 'app'),
  };
}

/** `components.schemas`; in 3.x an entry may be a Multi Format Schema Object (`{ schemaFormat, schema }`). */
export function readSchemas(reader: Reader): ApiSchema[] {
  return reader.entries(componentsOf(reader), 'schemas').map(([name, raw, at]): ApiSchema => {
    if (reader.spec.major === 3 && isSchemaObject(raw) && typeof raw['schemaFormat'] === 'string') {
      return { name, at: child(at, 'schema'), schema: raw['schema'], format: raw['schemaFormat'] };
    }
    return { name, at, schema: raw, format: undefined };
  });
}

export function componentsOf(reader: Reader): Located {
  const root = reader.root;
  const raw = root.value['components'];
  return isSchemaObject(raw) ? { value: raw, at: child(root.at, 'components') } : { value: {}, at: root.at };
}

/** Files a message under its location (its identity) and notes the channel it was met on. */
export function registerMessage(reader: Reader, messages: Map<string, ApiMessage>, message: Located, key: string, topic: string, channelAt: Loc): string {
  const id = `${message.at.file}#${message.at.pointer}`;
  const known = messages.get(id);
  if (known) {
    if (!known.topics.some((t) => t.topic === topic)) known.topics.push({ topic, at: channelAt });
    return id;
  }
  const merged = reader.withTraits(message);
  messages.set(id, { id, at: message.at, value: merged.value, key, payload: payloadOf(reader, merged), topics: [{ topic, at: channelAt }] });
  return id;
}

function payloadOf(reader: Reader, message: Located): ApiPayload | undefined {
  const raw = message.value['payload'];
  if (raw === undefined) return undefined;
  const at = child(message.at, 'payload');
  if (reader.spec.major === 2) return { schema: raw, at, format: str(message.value['schemaFormat']) };
  if (!isSchemaObject(raw)) return { schema: raw, at, format: undefined };
  if (typeof raw['schemaFormat'] === 'string') return { schema: raw['schema'], at: child(at, 'schema'), format: raw['schemaFormat'] };
  const ref = raw['$ref'];
  if (typeof ref === 'string' && Object.keys(raw).length === 1) {
    // A $ref to a Multi Format Schema Object in components.schemas: the payload is its `schema`.
    const target = reader.deref(raw, at);
    if (target && typeof target.value['schemaFormat'] === 'string') {
      return { schema: { $ref: ref.includes('#') ? `${ref}/schema` : `${ref}#/schema` }, at, format: target.value['schemaFormat'] };
    }
  }
  return { schema: raw, at, format: undefined };
}

/** The service that performs an operation: `x-edasaga.service`, else a `service:NAME` tag, else the document's application. */
export function serviceOf(reader: Reader, op: Located, appService: string): string {
  const fromExt = str(reader.ext(op.value)?.['service']);
  if (fromExt !== undefined) return fromExt;
  for (const [raw, at] of reader.items(op, 'tags')) {
    const tag = reader.deref(raw, at);
    const name = tag ? str(tag.value['name']) : undefined;
    if (name?.startsWith(SERVICE_TAG_PREFIX)) return name.slice(SERVICE_TAG_PREFIX.length);
  }
  return appService;
}

/** One warning per field present that a catalog has no place for. */
export function warnUnmapped(reader: Reader, element: Located, fields: readonly string[], what: string): void {
  for (const field of fields) {
    if (element.value[field] !== undefined) reader.warn('W_ASYNCAPI_UNMAPPED', `${what}: \`${field}\` has no place in a catalog and is not imported`, child(element.at, field));
  }
}
