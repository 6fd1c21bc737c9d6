// From what the readers found (model.ts) to catalog data: services, messages (versions grouped
// back by `x-edasaga`, else one version each), kinds, owners, topics, ordering keys, subscriptions
// and definitions. What has no place in a catalog, or had to be guessed, is a located warning.

import { kebabCase, pascalCase } from '../../names/case.js';
import { isSchemaObject } from '../../schema/walk.js';
import { COMPATIBILITY_MODES } from '../../model/types.js';
import { nameProblem } from '../../names/rules.js';
import { propertyOfLocation } from '../conventions.js';
import type { ApiDocument, ApiMessage, Loc, Obj, Reader } from './model.js';
import { child, str } from './model.js';
import { keyCandidates } from './keys.js';
import { SchemaImporter } from './payloads.js';

/** Owner of messages nobody in the document sends (or, for commands, handles). */
export const EXTERNAL_SERVICE = 'external';

export interface CatalogMessage {
  readonly name: string;
  readonly body: Obj;
  /** Where its versions came from, to place warnings beside it. */
  readonly sources: readonly Loc[];
}

export interface SkippedMessage {
  readonly name: string;
  readonly reason: string;
  readonly at: Loc;
}

export interface ImportedCatalog {
  readonly head: Obj;
  readonly services: Obj;
  readonly definitions: Obj;
  readonly messages: readonly CatalogMessage[];
  readonly subscriptions: Obj;
  readonly skipped: readonly SkippedMessage[];
}

interface Version {
  readonly source: ApiMessage;
  readonly version: number;
  readonly ext: Obj | undefined;
}

export function buildCatalog(reader: Reader, api: ApiDocument): ImportedCatalog {
  const groups = groupVersions(reader, api);
  const schemas = new SchemaImporter(reader, api.schemas, groups.keys());
  const owners = new Map<string, string>();
  const kinds = new Map<string, string>();
  const messages: CatalogMessage[] = [];
  const skipped: SkippedMessage[] = [];
  const warnedTopics = new Set<string>();

  for (const [name, versions] of groups) {
    const latest = versions[versions.length - 1]!;
    const description = str(latest.source.value['description']) ?? (latest.ext ? undefined : str(latest.source.value['summary']));
    const deprecated = deprecationOf(versions);
    const payloads: Obj = {};
    let reason: string | undefined;
    for (const v of versions) {
      const p = v.source.payload;
      if (p === undefined) {
        reason = 'it has no payload';
        break;
      }
      const imported = schemas.payload(deprecated ? { ...p, schema: withoutRootDeprecated(p.schema) } : p);
      if (!imported.ok) {
        reason = imported.reason;
        break;
      }
      const versionDescription = v.ext ? str(v.source.value['summary']) : undefined;
      payloads[String(v.version)] = { ...(versionDescription === undefined ? {} : { description: versionDescription }), payload: imported.schema };
      warnMessageFields(reader, v);
    }
    const kind = kindOf(api, versions);
    const service = reason === undefined ? ownerOf(reader, api, versions, kind, name) : EXTERNAL_SERVICE;
    const body: Obj = { kind, service, topic: topicOf(reader, latest.source, warnedTopics) };
    const key = reason === undefined ? keyOf(reader, versions, payloads, schemas) : undefined;
    if (reason === undefined && key === undefined) reason = 'its payload has no properties, so it has no ordering key';
    if (reason !== undefined || key === undefined) {
      reader.warn('W_ASYNCAPI_MESSAGE_SKIPPED', `message "${name}" is not imported: ${reason ?? 'no key'}`, latest.source.at);
      skipped.push({ name, reason: reason ?? 'no key', at: latest.source.at });
      continue;
    }
    body['key'] = key;
    if (description !== undefined) body['description'] = description;
    const compatibility = str(latest.ext?.['compatibility']);
    if (compatibility !== undefined && (COMPATIBILITY_MODES as readonly string[]).includes(compatibility)) body['compatibility'] = compatibility;
    if (deprecated) body['deprecated'] = deprecated;
    const breaks = versions.flatMap((v) => acceptedBreaks(v));
    if (breaks.length > 0) body['acceptedBreaks'] = breaks;
    body['versions'] = payloads;
    owners.set(name, service);
    kinds.set(name, kind);
    messages.push({ name, body, sources: versions.flatMap((v) => [v.source.at, ...(v.source.payload ? [v.source.payload.at] : [])]) });
  }
  schemas.includeAll();

  const messageOf = new Map<string, string>();
  for (const [name, versions] of groups) for (const v of versions) messageOf.set(v.source.id, name);
  const subscriptions = subscriptionsOf(reader, api, messageOf, owners, kinds);
  return {
    head: headOf(reader, api),
    services: servicesOf(api, owners, subscriptions),
    definitions: schemas.definitions(),
    messages,
    subscriptions,
    skipped,
  };
}

/** Catalog name -> versions in order. With `x-edasaga` they are grouped back; otherwise each message is version 1 of its own. */
function groupVersions(reader: Reader, api: ApiDocument): Map<string, Version[]> {
  const groups = new Map<string, Version[]>();
  const lower = new Map<string, string>();
  for (const source of api.messages.values()) {
    const ext = reader.ext(source.value);
    const wanted = str(ext?.['message']) ?? str(source.value['name']) ?? source.key;
    const version = typeof ext?.['version'] === 'number' && Number.isInteger(ext['version']) && ext['version'] >= 1 ? ext['version'] : 1;
    let name = messageName(wanted);
    const existing = groups.get(lower.get(name.toLowerCase()) ?? '');
    if (existing && (ext === undefined || existing.some((v) => v.version === version))) {
      const base = name;
      for (let i = 2; lower.has(name.toLowerCase()); i++) name = `${base}${i}`;
      reader.warn('W_ASYNCAPI_RENAMED', `another message is also named "${base}": this one becomes "${name}"`, source.at);
    } else if (existing) {
      existing.push({ source, version, ext });
      continue;
    } else if (name !== wanted && pascalCase(wanted) !== name) {
      reader.warn('W_ASYNCAPI_RENAMED', `message "${wanted}" becomes "${name}": message names are PascalCase class names`, source.at);
    }
    lower.set(name.toLowerCase(), name);
    groups.set(name, [{ source, version, ext }]);
  }
  for (const versions of groups.values()) versions.sort((a, b) => a.version - b.version);
  return groups;
}

function messageName(wanted: string): string {
  let name = pascalCase(wanted).replace(/^_/, 'M');
  if (name === '') name = 'Message';
  // `Promise` -> `PromiseMessage`; `Any` -> `AnyMessage`, which the generated code exports itself -> `AnyMessageMessage`.
  for (let i = 0; i < 3 && nameProblem('message', name.slice(0, 90)) !== undefined; i++) name = `${name}Message`;
  return name.slice(0, 90);
}

/** `x-edasaga.kind`; else a command when an operation expects a reply to it, a reply when it only answers one. */
function kindOf(api: ApiDocument, versions: readonly Version[]): string {
  const fromExt = str(versions[versions.length - 1]!.ext?.['kind']);
  if (fromExt === 'event' || fromExt === 'command' || fromExt === 'reply') return fromExt;
  const ids = new Set(versions.map((v) => v.source.id));
  if (api.operations.some((op) => op.replies.length > 0 && op.messages.some((id) => ids.has(id)))) return 'command';
  const answers = api.operations.some((op) => op.replies.some((id) => ids.has(id)));
  const sent = api.operations.some((op) => op.action === 'send' && op.messages.some((id) => ids.has(id)));
  return answers && !sent ? 'reply' : 'event';
}

/** The producing service (for a command, the handling one): `x-edasaga.service`, else from the operations. */
function ownerOf(reader: Reader, api: ApiDocument, versions: readonly Version[], kind: string, name: string): string {
  const fromExt = str(versions[versions.length - 1]!.ext?.['service']);
  if (fromExt !== undefined) return serviceName(fromExt);
  const ids = new Set(versions.map((v) => v.source.id));
  const has = (list: readonly string[]) => list.some((id) => ids.has(id));
  const op =
    kind === 'command'
      ? api.operations.find((o) => o.action === 'receive' && has(o.messages))
      : (api.operations.find((o) => o.action === 'send' && has(o.messages)) ?? api.operations.find((o) => o.action === 'receive' && has(o.replies)));
  if (op) return serviceName(op.service);
  reader.warn(
    'W_ASYNCAPI_GUESSED',
    `nobody in the document ${kind === 'command' ? 'handles' : 'sends'} "${name}": it is given to service "${EXTERNAL_SERVICE}" (parties outside the document)`,
    versions[versions.length - 1]!.source.at,
  );
  return EXTERNAL_SERVICE;
}

/** A valid service name for whatever the document calls one (`Order Service` -> `order-service`). */
export function serviceName(raw: string): string {
  let name = kebabCase(raw.replace(/[^A-Za-z0-9]+/g, '-')).replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (name === '' || !/^[a-z]/.test(name)) name = `service-${name}`.replace(/-$/, '');
  if (nameProblem('service', name) !== undefined) name = `${name}-service`;
  return name.slice(0, 90);
}

function topicOf(reader: Reader, message: ApiMessage, warned: Set<string>): string {
  const [first, ...others] = message.topics;
  for (const other of others) {
    reader.warn('W_ASYNCAPI_UNMAPPED', `message is also on channel "${other.topic}"; a catalog message travels on one topic ("${first!.topic}")`, other.at);
  }
  const raw = first!.topic;
  const topic = raw.replace(/[{}]/g, '').replace(/[^A-Za-z0-9._-]+/g, '.').replace(/^[^A-Za-z0-9]+/, '').slice(0, 200) || 'messages';
  if (topic !== raw && !warned.has(raw)) {
    warned.add(raw);
    reader.warn('W_ASYNCAPI_RENAMED', `channel address "${raw}" becomes topic "${topic}" (letters, digits, ".", "_" and "-")`, first!.at);
  }
  return topic;
}

/** The correlationId's payload property when every version has it; else the likeliest id property. */
function keyOf(reader: Reader, versions: readonly Version[], payloads: Obj, schemas: SchemaImporter): string | undefined {
  const latest = versions[versions.length - 1]!;
  const shapes = Object.values(payloads).map((p) => keyCandidates((p as Obj)['payload'], schemas.definitions()));
  const everywhere = (property: string) => shapes.every((s) => s.properties.includes(property));
  const raw = latest.source.value['correlationId'];
  const at = child(latest.source.at, 'correlationId');
  const correlation = raw === undefined ? undefined : reader.deref(raw, at);
  const location = correlation ? str(correlation.value['location']) : undefined;
  const property = location === undefined ? undefined : propertyOfLocation(location);
  if (property !== undefined && everywhere(property)) return property;
  const guess = shapes[shapes.length - 1]?.ranked.find(everywhere);
  if (guess === undefined) return undefined;
  reader.warn(
    'W_ASYNCAPI_GUESSED',
    location === undefined
      ? `no correlationId names the ordering key; "${guess}" is used (set it in the catalog if another property orders these messages)`
      : `correlationId ${location} is not a property of every version's payload; "${guess}" is used as the ordering key`,
    correlation ? correlation.at : latest.source.at,
  );
  return guess;
}

function deprecationOf(versions: readonly Version[]): Obj | undefined {
  const ext = versions[versions.length - 1]!.ext?.['deprecated'];
  if (isSchemaObject(ext) && typeof ext['reason'] === 'string') {
    return { reason: ext['reason'], ...(typeof ext['since'] === 'number' ? { since: ext['since'] } : {}) };
  }
  const flagged = versions.some((v) => isSchemaObject(v.source.payload?.schema) && (v.source.payload!.schema as Obj)['deprecated'] === true);
  return flagged ? { reason: 'marked deprecated in the AsyncAPI document' } : undefined;
}

function withoutRootDeprecated(schema: unknown): unknown {
  if (!isSchemaObject(schema) || schema['deprecated'] !== true) return schema;
  const { deprecated: _, ...rest } = schema;
  return rest;
}

function acceptedBreaks(v: Version): Obj[] {
  const list = v.ext?.['acceptedBreaks'];
  if (!Array.isArray(list)) return [];
  return list.filter(isSchemaObject).map((b) => ({ version: v.version, rule: String(b['rule']), reason: String(b['reason']) }));
}

/** Fields of a message a catalog cannot hold; CloudEvents headers and the Kafka key are what edasaga sends anyway. */
function warnMessageFields(reader: Reader, v: Version): void {
  const m = v.source.value;
  const at = v.source.at;
  const contentType = str(m['contentType']);
  if (contentType !== undefined && !/json/i.test(contentType)) {
    reader.warn('W_ASYNCAPI_UNMAPPED', `contentType ${contentType}: edasaga messages are JSON`, child(at, 'contentType'));
  }
  if (m['headers'] !== undefined && v.ext === undefined && !mentionsCloudEvents(m['headers'])) {
    reader.warn('W_ASYNCAPI_UNMAPPED', 'message headers are not imported: edasaga messages carry the CloudEvents headers (ce_id, ce_type, ...)', child(at, 'headers'));
  }
  for (const field of ['examples', 'externalDocs']) {
    if (m[field] !== undefined) reader.warn('W_ASYNCAPI_UNMAPPED', `\`${field}\` has no place in a catalog and is not imported`, child(at, field));
  }
  const bindings = m['bindings'];
  if (isSchemaObject(bindings)) {
    for (const protocol of Object.keys(bindings)) {
      if (protocol !== 'kafka') reader.warn('W_ASYNCAPI_UNMAPPED', `${protocol} bindings are not imported (edasaga runs on Kafka, NATS JetStream or in-process)`, child(child(at, 'bindings'), protocol));
    }
  }
}

function mentionsCloudEvents(headers: unknown): boolean {
  return JSON.stringify(headers).includes('ce_') || JSON.stringify(headers).includes('CloudEvents');
}

/** Receive operations of events and replies by services other than their owner, where the document means choreography. */
function subscriptionsOf(reader: Reader, api: ApiDocument, messageOf: Map<string, string>, owners: Map<string, string>, kinds: Map<string, string>): Obj {
  const result = new Map<string, string[]>();
  const sagas = new Map<string, Loc>();
  for (const op of api.operations) {
    if (op.action !== 'receive') continue;
    const service = serviceName(op.service);
    for (const id of op.messages) {
      const name = messageOf.get(id);
      if (name === undefined || !owners.has(name) || owners.get(name) === service) continue;
      if (kinds.get(name) === 'command') {
        reader.warn('W_ASYNCAPI_UNMAPPED', `"${service}" receives command "${name}", which "${owners.get(name)}" handles: a command has one handler`, op.at);
        continue;
      }
      if (op.ext !== undefined && op.ext['subscription'] !== true) {
        for (const saga of Array.isArray(op.ext['sagas']) ? op.ext['sagas'] : []) if (typeof saga === 'string' && !sagas.has(saga)) sagas.set(saga, op.at);
        continue;
      }
      const list = result.get(service) ?? [];
      if (!list.includes(name)) list.push(name);
      result.set(service, list);
    }
  }
  for (const [saga, at] of sagas) {
    reader.warn('W_ASYNCAPI_UNMAPPED', `the operations of saga ${saga} are not imported as subscriptions: sagas are not part of AsyncAPI (write sagas/${kebabCase(saga)}.yaml again)`, at);
  }
  return Object.fromEntries(result);
}

function servicesOf(api: ApiDocument, owners: Map<string, string>, subscriptions: Obj): Obj {
  const services = new Map<string, Obj>();
  for (const s of api.services) {
    services.set(serviceName(s.name), { ...(s.description === undefined ? {} : { description: s.description }), ...(s.owner === undefined ? {} : { owner: s.owner }) });
  }
  const add = (name: string, info: Obj = {}) => {
    if (!services.has(name)) services.set(name, info);
  };
  for (const op of api.operations) add(serviceName(op.service));
  for (const owner of owners.values()) add(owner, owner === EXTERNAL_SERVICE ? { description: 'Parties outside the imported AsyncAPI document.' } : {});
  for (const name of Object.keys(subscriptions)) add(name);
  return Object.fromEntries(services);
}

function headOf(reader: Reader, api: ApiDocument): Obj {
  const name = str(api.ext?.['catalog']) ?? serviceName(api.title);
  let namespace = str(api.ext?.['namespace']);
  if (namespace === undefined || !/^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)*$/.test(namespace)) {
    const fromId = api.id?.startsWith('urn:') ? api.id.slice(4).toLowerCase().split(/[:/]+/).map((s) => s.replace(/[^a-z0-9-]/g, '')).filter((s) => /^[a-z]/.test(s)) : [];
    namespace = fromId.length >= 2 ? fromId.join('.') : `com.example.${name.replace(/-/g, '')}`;
    reader.warn('W_ASYNCAPI_GUESSED', `the catalog namespace is "${namespace}": it prefixes every CloudEvents type, change it if it is not yours`, child(reader.root.at, api.id === undefined ? 'info' : 'id'));
  }
  return { name, namespace, ...(api.description === undefined ? {} : { description: api.description }) };
}
