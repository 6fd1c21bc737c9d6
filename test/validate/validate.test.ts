import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject, loadProjectFromSources } from '../../src/project/load.js';
import { parseDuration } from '../../src/validate/durations.js';
import { nameProblem } from '../../src/names/rules.js';
import { closest } from '../../src/schema/suggest.js';

const root = join(import.meta.dirname, '../..');
const fixtures = join(import.meta.dirname, '../fixtures');
const baseCatalog = readFileSync(join(fixtures, 'valid/catalog.yaml'), 'utf8');
const baseSaga = readFileSync(join(fixtures, 'valid/sagas/checkout.yaml'), 'utf8');

function load(catalog: string, sagas: string[] = [baseSaga]) {
  return loadProjectFromSources({
    catalog: { path: '/t/catalog.yaml', text: catalog },
    sagas: sagas.map((text, i) => ({ path: `/t/sagas/s${i}.yaml`, text })),
    readFile: () => undefined,
  });
}
function replace(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`test setup: "${from}" not found`);
  return text.replace(from, to);
}
const codes = (r: ReturnType<typeof load>) => r.diagnostics.map((d) => d.code);

describe('the order-system example', () => {
  it('is valid and becomes the model', async () => {
    const r = await loadProject({ catalogPath: join(root, 'examples/order-system/catalog.yaml') });
    expect(r.diagnostics).toEqual([]);
    const { catalog, sagas } = r.project!;
    expect(catalog).toMatchObject({ name: 'order-system', namespace: 'com.example.orders', file: join(root, 'examples/order-system/catalog.yaml') });
    expect(catalog.services.map((s) => s.name)).toEqual(['order', 'payment', 'inventory', 'shipping', 'notification']);
    expect(catalog.messages).toHaveLength(18);
    const created = catalog.messages.find((m) => m.name === 'OrderCreated')!;
    expect(created).toMatchObject({ kind: 'event', service: 'order', topic: 'orders', key: 'orderId', compatibility: 'BACKWARD', acceptedBreaks: [] });
    expect(created.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(created.versions[1]!.pointer).toBe('/messages/OrderCreated/versions/2/payload');
    expect(created.versions[1]!.loc.line).toBeGreaterThan(created.versions[0]!.loc.line);
    expect(Object.keys(catalog.definitions)).toEqual(['Money', 'Address', 'OrderItem']);
    expect(catalog.subscriptions.map((s) => `${s.service}<-${s.message}`)).toEqual(['notification<-OrderConfirmed', 'notification<-OrderCancelled', 'notification<-PaymentRefunded']);

    expect(sagas).toHaveLength(1);
    const saga = sagas[0]!;
    expect(saga).toMatchObject({ name: 'OrderSaga', orchestrator: 'order', startedBy: 'OrderCreated', correlationKey: 'orderId', onCompleted: ['OrderConfirmed'], onCompensated: ['OrderCancelled'] });
    expect(saga.steps.map((s) => s.name)).toEqual(['payment', 'inventory', 'shipping']);
    expect(saga.steps[0]).toMatchObject({ timeoutMs: 30_000, retry: { maxAttempts: 3, backoff: { initialMs: 200, multiplier: 2, maxMs: 5_000 } }, onFailure: ['PaymentFailed'] });
    // The shipping step leaves retry out: documented defaults.
    expect(saga.steps[2]).toMatchObject({ timeoutMs: 60_000, onFailure: ['ShipmentFailed'], retry: { maxAttempts: 3, backoff: { initialMs: 200, multiplier: 2, maxMs: 10_000 } } });
  });

  it('positions point at the source', async () => {
    const r = await loadProject({ catalogPath: join(root, 'examples/order-system/catalog.yaml') });
    const file = r.project!.catalog.file;
    const lines = readFileSync(file, 'utf8').split('\n');
    const loc = r.sources.locate(file, '/messages/OrderCreated/versions/2/payload/properties/total')!;
    expect(lines[loc.line - 1]!.slice(loc.col - 1)).toMatch(/^total:/);
    const msg = r.project!.catalog.messages.find((m) => m.name === 'PaymentFailed')!;
    expect(lines[msg.loc.line - 1]!.trim()).toBe('PaymentFailed:');
  });
});

describe('semantic rules', () => {
  it('the base fixture is valid', () => {
    expect(load(baseCatalog).diagnostics).toEqual([]);
  });

  it('rejects a saga started by a reply and a subscription to a command', () => {
    const cat = replace(replace(baseCatalog, '  CardDeclined:\n    kind: event', '  CardDeclined:\n    kind: reply'), 'payment: [OrderPlaced]', 'payment: [OrderPlaced, RefundCard]');
    const saga = replace(baseSaga, 'startedBy: OrderPlaced', 'startedBy: CardDeclined');
    const r = load(cat, [saga]);
    expect(codes(r)).toEqual(['E_WRONG_KIND', 'E_WRONG_KIND']);
    expect(r.diagnostics[0]!.message).toContain('subscribes to command "RefundCard"');
    expect(r.diagnostics[1]!.message).toContain('"CardDeclined" that starts saga "CheckoutSaga" is a reply');
  });

  it('rejects a reply awaited by two steps', () => {
    const saga = replace(baseSaga, '  onCompleted:', `    - name: again
      participant: payment
      command: ChargeCard
      onSuccess: CardCharged
  onCompleted:`);
    const r = load(baseCatalog, [saga]);
    expect(codes(r)).toEqual(['E_AMBIGUOUS_REPLY']);
  });

  it('rejects duplicate saga names and a saga named like a message, and duplicate step names', () => {
    const twin = replace(baseSaga, '  steps:\n', '  steps:\n    - { name: charge, participant: payment, command: RefundCard, onSuccess: CardRefunded }\n');
    const r = load(baseCatalog, [baseSaga, replace(twin, 'name: CheckoutSaga', 'name: OrderPlaced')]);
    expect(codes(r).sort()).toEqual(['E_AMBIGUOUS_REPLY', 'E_DUPLICATE_NAME', 'E_DUPLICATE_NAME'].sort());
    const r2 = load(baseCatalog, [baseSaga, baseSaga]);
    expect(r2.diagnostics).toEqual([expect.objectContaining({ code: 'E_DUPLICATE_NAME', file: '/t/sagas/s1.yaml', line: 3 })]);
  });

  it('checks deprecation and accepted breaks against existing versions', () => {
    const cat = replace(baseCatalog, '  CardRefunded:\n    kind: event\n', '  CardRefunded:\n    kind: event\n    deprecated: { reason: use CardRefundIssued, since: 2 }\n    acceptedBreaks:\n      - { version: 3, rule: "*", reason: oops }\n');
    expect(codes(load(cat))).toEqual(['E_UNKNOWN_VERSION', 'E_UNKNOWN_VERSION', 'W_DEPRECATED_MESSAGE']);
    const ok = replace(baseCatalog, '  CardRefunded:\n    kind: event\n', '  CardRefunded:\n    kind: event\n    compatibility: FULL_TRANSITIVE\n    deprecated: { reason: use CardRefundIssued, since: 1 }\n');
    const r = load(ok);
    expect(codes(r)).toEqual(['W_DEPRECATED_MESSAGE']);
    expect(r.project!.catalog.messages.find((m) => m.name === 'CardRefunded')).toMatchObject({ compatibility: 'FULL_TRANSITIVE', deprecated: { reason: 'use CardRefundIssued', since: 1 } });
  });

  it('warns (without failing) when the ordering key is optional', () => {
    const cat = replace(baseCatalog, 'payload: { type: object, required: [orderId], properties: { orderId: { type: string } } }\n  OrderCancelled', 'payload: { type: object, properties: { orderId: { type: string } } }\n  OrderCancelled');
    const r = load(cat);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'W_ORDERING_KEY_OPTIONAL', severity: 'warning' })]);
    expect(r.project).toBeDefined();
  });

  it('accepts draft-07 payloads, rejects unknown dialects, validates against the declared draft', () => {
    const d7 = replace(baseCatalog, 'payload: { type: object, required: [orderId], properties: { orderId: { type: string } } }\n  OrderCancelled', 'payload: { $schema: "http://json-schema.org/draft-07/schema#", type: object, required: [orderId], properties: { orderId: { type: string } }, dependencies: { a: [b] } }\n  OrderCancelled');
    expect(load(d7).diagnostics).toEqual([]);
    const bad = replace(d7, 'http://json-schema.org/draft-07/schema#', 'http://json-schema.org/draft-04/schema#');
    expect(codes(load(bad))).toEqual(['E_SCHEMA_DIALECT']);
    const badType = replace(d7, 'dependencies: { a: [b] }', 'dependencies: { a: 5 }');
    expect(codes(load(badType))).toEqual(['E_INVALID_PAYLOAD_SCHEMA']);
  });

  it('finds the correlation key missing in one version only', () => {
    const cat = replace(baseCatalog, '  CardCharged:\n    kind: event\n    service: payment\n    topic: payments\n    key: orderId\n    versions:\n      1:\n        payload: { type: object, required: [orderId], properties: { orderId: { type: string } } }\n',
      '  CardCharged:\n    kind: event\n    service: payment\n    topic: payments\n    key: paymentId\n    versions:\n      1:\n        payload: { type: object, required: [paymentId], properties: { orderId: { type: string }, paymentId: { type: string } } }\n      2:\n        payload: { type: object, required: [paymentId], properties: { paymentId: { type: string } } }\n');
    const r = load(cat);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'E_CORRELATION_KEY', message: expect.stringContaining('version 2 of message "CardCharged"') })]);
  });

  it('follows top-level $ref and allOf when looking for keys', () => {
    const cat = replace(baseCatalog, 'payload: { type: object, required: [orderId], properties: { orderId: { type: string } } }\n  OrderCancelled', 'payload: { allOf: [{ $ref: "#/definitions/Keyed" }, { properties: { note: { type: string } } }] }\n  OrderCancelled')
      .replace('definitions:\n', 'definitions:\n  Keyed: { type: object, required: [orderId], properties: { orderId: { type: string } } }\n');
    expect(load(cat).diagnostics).toEqual([]);
  });

  it('reports every problem at once, across catalog and sagas', () => {
    const cat = replace(replace(baseCatalog, '    topic: orders\n', '    topic: 7\n'), 'service: payment\n', 'service: paymen\n');
    const saga = replace(baseSaga, 'participant: payment', 'participant: pay');
    const r = load(cat, [saga]);
    expect(codes(r)).toEqual(['E_WRONG_TYPE', 'E_UNKNOWN_SERVICE', 'E_UNKNOWN_SERVICE']);
    expect(r.project).toBeUndefined();
  });

  it('still checks sagas structurally when the catalog is unparseable', () => {
    const r = load('a: [', [replace(baseSaga, 'correlationKey: orderId', 'correlationKey: 5')]);
    expect(codes(r)).toEqual(['E_YAML_SYNTAX', 'E_WRONG_TYPE']);
  });
});

describe('helpers', () => {
  it('parses durations', () => {
    expect([parseDuration('200ms'), parseDuration('30s'), parseDuration('1m'), parseDuration('2h'), parseDuration(1500)]).toEqual([200, 30_000, 60_000, 7_200_000, 1500]);
    expect([parseDuration('1.5s'), parseDuration('10 s'), parseDuration(-1), parseDuration('1d')]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('judges names', () => {
    expect(nameProblem('message', 'OrderCreated')).toBeUndefined();
    expect(nameProblem('message', 'orderCreated')).toMatch(/PascalCase/);
    expect(nameProblem('message', 'Con')).toMatch(/Windows/);
    expect(nameProblem('service', 'order-history')).toBeUndefined();
    expect(nameProblem('service', 'orderHistory')).toBeUndefined();
    expect(nameProblem('service', 'new')).toMatch(/reserved/);
    expect(nameProblem('service', 'Order')).toMatch(/kebab/);
    expect(nameProblem('step', 'default')).toMatch(/reserved/);
  });

  it('suggests close names only', () => {
    expect(closest('OrderCreatd', ['OrderCreated', 'OrderCancelled'])).toBe('OrderCreated');
    expect(closest('topc', ['topic', 'kind'])).toBe('topic');
    expect(closest('Banana', ['OrderCreated', 'OrderCancelled'])).toBeUndefined();
  });
});

describe('deprecation', () => {
  it('warns where a deprecated message is still used', () => {
    const cat = replace(baseCatalog, '  CardDeclined:\n    kind: event\n', '  CardDeclined:\n    kind: event\n    deprecated: { reason: use CardRejected }\n').replace('payment: [OrderPlaced]', 'payment: [OrderPlaced, CardDeclined]');
    const r = load(cat);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'W_DEPRECATED_MESSAGE', severity: 'warning', file: '/t/catalog.yaml', hint: 'deprecated: use CardRejected' }),
      expect.objectContaining({ code: 'W_DEPRECATED_MESSAGE', severity: 'warning', file: '/t/sagas/s0.yaml', message: 'failure reply "CardDeclined" of step "charge" is deprecated' }),
    ]);
    expect(r.project).toBeDefined();
  });
});

describe('anchors and merge keys', () => {
  it('accepts x- keys holding anchors and merges them into messages', () => {
    const cat = replace(
      replace(baseCatalog, 'messages:\n', 'x-order: &order\n  kind: event\n  service: order\n  topic: orders\n  key: orderId\nmessages:\n'),
      '  OrderConfirmed:\n    kind: event\n    service: order\n    topic: orders\n    key: orderId\n',
      '  OrderConfirmed:\n    <<: *order\n',
    );
    const r = load(cat);
    expect(r.diagnostics).toEqual([]);
    expect(r.project!.catalog.messages.find((m) => m.name === 'OrderConfirmed')).toMatchObject({ kind: 'event', service: 'order', topic: 'orders', key: 'orderId' });
  });
});
