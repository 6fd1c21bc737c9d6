// The conventions edasaga's AsyncAPI documents follow, shared by export and import so that what one
// writes the other reads back. Documented in docs/asyncapi.md; change both together.

/** The extension every element edasaga writes carries its catalog facts in (`x-edasaga: {...}`). */
export const EXT = 'x-edasaga';

export const ASYNCAPI_VERSION = '3.0.0';
/** AsyncAPI's `info.version` is required; the catalog language has no version of its own. */
export const DEFAULT_API_VERSION = '1.0.0';
export const CONTENT_TYPE = 'application/json';
export const KAFKA_BINDING_VERSION = '0.5.0';

export type Dialect = 'draft-07' | '2020-12';

export const SCHEMA_FORMAT: Readonly<Record<Dialect, string>> = {
  'draft-07': 'application/schema+json;version=draft-07',
  '2020-12': 'application/schema+json;version=2020-12',
};

export const DRAFT_07_URI = 'http://json-schema.org/draft-07/schema#';

/**
 * The dialect a `schemaFormat` names, `undefined` for formats that are not JSON Schema (Avro,
 * RAML, Protobuf, OpenAPI). AsyncAPI's own Schema Object is a superset of draft-07, and is what an
 * absent `schemaFormat` means.
 */
export function dialectOfFormat(format: string | undefined): Dialect | undefined {
  if (format === undefined) return 'draft-07';
  const f = format.replace(/\s+/g, '').toLowerCase();
  if (/^application\/schema\+(json|yaml);version=draft-0?7$/.test(f)) return 'draft-07';
  if (/^application\/schema\+(json|yaml);version=2020-12$/.test(f)) return '2020-12';
  if (/^application\/vnd\.aai\.asyncapi(\+json|\+yaml)?(;version=[0-9.]+)?$/.test(f)) return 'draft-07';
  return undefined;
}

/** The tag an operation carries to name the service that performs it (`service:payment`). */
export const SERVICE_TAG_PREFIX = 'service:';

/** Component names edasaga reserves for itself; catalog definitions are PascalCase, so never clash. */
export const HEADERS_COMPONENT = 'edasaga.CloudEventsHeaders';

/** `components.messages` key of one version of a message. */
export function messageId(name: string, version: number): string {
  return `${name}.v${version}`;
}

/** `operations` key: who does what with which message. */
export function operationId(service: string, action: 'send' | 'receive', message: string): string {
  return `${service}.${action}.${message}`;
}

/** `$message.payload#/orderId`: the runtime expression naming a payload property. */
export function payloadLocation(property: string): string {
  return `$message.payload#/${property.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** The payload property a `$message.payload#/name` expression names (one level only), if any. */
export function propertyOfLocation(location: string): string | undefined {
  const m = /^\$message\.payload#\/([^/]+)$/.exec(location.trim());
  return m ? m[1]!.replace(/~1/g, '/').replace(/~0/g, '~') : undefined;
}
