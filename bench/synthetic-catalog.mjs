// A big synthetic catalog, shared by the benchmarks and by tests that need a large one: 20
// services, shared definitions, nested objects, arrays, enums, unions, every 10th message with a
// v2, every 5th a command, a third of the events subscribed to by another service.
//
//   import { syntheticCatalog } from './synthetic-catalog.mjs';
//   writeFileSync('catalog.yaml', syntheticCatalog(1000));

export function syntheticCatalog(count) {
  const services = Array.from({ length: 20 }, (_, i) => `svc-${i}`);
  const lines = [
    'edasaga: 1',
    'catalog:',
    '  name: bench',
    '  namespace: com.example.bench',
    '  description: A big synthetic catalog for the benchmarks.',
    'services:',
    ...services.map((s) => `  ${s}:\n    description: Service ${s}.`),
    'definitions:',
    '  Money:',
    '    type: object',
    '    required: [amount, currency]',
    '    additionalProperties: false',
    '    properties:',
    '      amount: { type: integer, minimum: 0 }',
    '      currency: { type: string, pattern: "^[A-Z]{3}$" }',
    '  Address:',
    '    type: object',
    '    required: [line1, city, country]',
    '    properties:',
    '      line1: { type: string, minLength: 1 }',
    '      city: { type: string }',
    '      country: { type: string, pattern: "^[A-Z]{2}$" }',
    'messages:',
  ];
  const payload = (i, extra) => [
    '        payload:',
    '          type: object',
    '          required: [entityId, amount, status]',
    '          additionalProperties: false',
    '          properties:',
    '            entityId: { type: string, format: uuid, description: The aggregate this message is about. }',
    '            amount: { $ref: "#/definitions/Money" }',
    '            status: { type: string, enum: [new, active, closed] }',
    '            note: { type: [string, "null"], maxLength: 200 }',
    '            at: { type: string, format: date-time }',
    '            lines:',
    '              type: array',
    '              items:',
    '                type: object',
    '                required: [sku, quantity]',
    '                properties:',
    '                  sku: { type: string, minLength: 1 }',
    '                  quantity: { type: integer, minimum: 1 }',
    '            target:',
    '              oneOf:',
    '                - { $ref: "#/definitions/Address" }',
    `                - { type: string, const: pickup-${i % 7} }`,
    ...(extra ? ['            tag: { type: string, default: none }'] : []),
  ];
  const subscriptions = new Map(services.map((s) => [s, []]));
  for (let i = 0; i < count; i++) {
    const service = services[i % services.length];
    const kind = i % 5 === 0 ? 'command' : 'event';
    const name = `Thing${i}${kind === 'command' ? 'Requested' : 'Happened'}`;
    lines.push(
      `  ${name}:`,
      `    kind: ${kind}`,
      `    service: ${service}`,
      `    topic: topic-${i % 50}`,
      '    key: entityId',
      `    description: Synthetic message number ${i}.`,
      '    versions:',
      '      1:',
      ...payload(i, false),
    );
    if (i % 10 === 0) lines.push('      2:', '        description: Adds an optional tag with a default.', ...payload(i, true));
    if (kind === 'event' && i % 3 === 0) subscriptions.get(services[(i + 1) % services.length]).push(name);
  }
  lines.push('subscriptions:');
  for (const [service, names] of subscriptions) if (names.length > 0) lines.push(`  ${service}: [${names.join(', ')}]`);
  return `${lines.join('\n')}\n`;
}
