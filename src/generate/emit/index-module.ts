// src/generated/index.ts: one import path for everything generated.
import type { Catalog } from '../../model/types.js';
import type { PlannedFile } from '../plan.js';
import { consumedMessages } from '../facts.js';
import { layout } from '../layout.js';
import { pathSegment } from '../names.js';

export function emitIndex(catalog: Catalog): PlannedFile[] {
  const services = [...consumedMessages(catalog)].filter(([, messages]) => messages.length > 0).map(([service]) => service);
  const content = [
    `export { fromBinary, fromStructured, toBinary, toStructured, EnvelopeError, type BinaryMessage, type EventEnvelope } from './runtime/envelope.js';\n`,
    `export * from './support.js';\n`,
    `export type * from './definitions.js';\n`,
    ...catalog.messages.map((m) => `export * from './messages/${pathSegment(m.name)}.js';\n`),
    `export * from './registry.js';\n`,
    ...services.map((s) => `export * from './services/${pathSegment(s)}.js';\n`),
  ].join('');
  return [{ path: layout.index, ownership: 'generated', content }];
}
