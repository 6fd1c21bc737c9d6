// src/generated/registry.ts: (type, version) -> decoder for every message of the catalog, so a
// consumer decodes whatever arrives: validate with that version's validator, then upcast to latest.
import type { Catalog } from '../../model/types.js';
import type { PlannedFile } from '../plan.js';
import { layout } from '../layout.js';
import { pathSegment, stringLiteral } from '../names.js';

export function emitRegistry(catalog: Catalog): PlannedFile[] {
  const names = catalog.messages.map((m) => m.name);
  const imports = catalog.messages
    .map((m) => `import { ${m.name}, type ${m.name}Message } from './messages/${pathSegment(m.name)}.js';\n`)
    .join('');
  const topics = new Map<string, string[]>();
  for (const message of catalog.messages) topics.set(message.topic, [...(topics.get(message.topic) ?? []), message.name]);
  const content = `import { fromBinary, fromStructured, type EventEnvelope } from './runtime/envelope.js';
${imports}import { UnknownMessageError, type Decoder } from './support.js';

/** Any message of the catalog, its data upcast to the latest version. Narrow it with a \`switch\` on \`type\`. */
export type AnyMessage =${names.length === 0 ? ' never' : names.map((n) => `\n  | ${n}Message`).join('')};

/** Every message's companion object, by name. */
export const messages = {${names.map((n) => `\n  ${n},`).join('')}
} as const;

export type MessageName = keyof typeof messages;

/** Message names by topic (what a consumer of a topic may receive). */
export const topics: Readonly<Record<string, readonly MessageName[]>> = {${[...topics]
    .map(([topic, list]) => `\n  ${stringLiteral(topic)}: [${list.map((n) => stringLiteral(n)).join(', ')}],`)
    .join('')}
};

export function decoderKey(type: string, version: number): string {
  return \`\${type}@\${version}\`;
}

/** (type, version) -> decoder: validates with that version's schema, then upcasts to the latest. */
export const decoders: ReadonlyMap<string, Decoder<AnyMessage>> = new Map(
  Object.values(messages).flatMap((message) =>
    [...message.decoders].map(([version, decoder]): [string, Decoder<AnyMessage>] => [decoderKey(message.type, version), decoder]),
  ),
);

/** Decodes an envelope of any known message type and version; throws UnknownMessageError or MessageValidationError. */
export function decode(envelope: EventEnvelope): AnyMessage {
  const decoder = decoders.get(decoderKey(envelope.type, envelope.dataversion));
  if (decoder === undefined) {
    const known = Object.values(messages).find((m) => m.type === envelope.type);
    throw new UnknownMessageError(envelope.type, envelope.dataversion, known === undefined ? undefined : [...known.versions]);
  }
  return decoder(envelope);
}

/** Decodes a CloudEvents structured-mode JSON document. */
export function decodeStructured(text: string | Uint8Array): AnyMessage {
  return decode(fromStructured(text));
}

/** Decodes a CloudEvents binary-mode message (\`ce_\` headers and a JSON body), e.g. a TransportMessage. */
export function decodeBinary(message: { readonly headers: Readonly<Record<string, string | undefined>>; readonly body: string | Uint8Array }): AnyMessage {
  return decode(fromBinary(message));
}
`;
  return [{ path: layout.registry, ownership: 'generated', content }];
}
