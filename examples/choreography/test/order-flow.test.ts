// The OrderFlow choreography end to end, every service in this process: each path, a duplicate
// delivery that must not charge or refund twice, and an out-of-order delivery (the order service
// sees InventoryReservationFailed before PaymentCompleted) after which the order still ends right.
// On throw-away SQLite files, and also on PostgreSQL (throw-away schemas, dropped afterwards) when
// TEST_DATABASE_URL=postgres://... is set. This file is yours.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBinary, type EventEnvelope, type Row } from '../src/generated/runtime/index.js';
import { SERVICE_NAMES, loadConfig, openServiceDb, schemaName, startSystem, type AppConfig, type RunningSystem, type ServiceName, type StartOptions } from '../src/generated/app/index.js';
import { InventoryReleased, InventoryReservationFailed, OrderCreated, PaymentCompleted } from '../src/generated/index.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const order = (sku: string, total: number) => ({ customerId: 'c-1', items: [{ sku, quantity: 2, unitPrice: eur(total / 2) }], total: eur(total) });
const antarctica = { line1: 'McMurdo Station', city: 'Ross Island', postalCode: '96599', country: 'AQ' };

const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'];
const backends = [
  { name: 'SQLite', databaseUrl: undefined },
  ...(TEST_DATABASE_URL === undefined ? [] : [{ name: 'PostgreSQL', databaseUrl: TEST_DATABASE_URL }]),
];

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function testConfig(databaseUrl: string | undefined): AppConfig {
  const dataDir = mkdtempSync(join(tmpdir(), 'order-flow-test-'));
  const config: AppConfig = { ...loadConfig({}), dataDir, databaseUrl, schemaPrefix: `test_${randomBytes(4).toString('hex')}_`, poolSize: 3 };
  cleanups.push(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (databaseUrl === undefined) return;
    for (const service of SERVICE_NAMES) {
      const db = await openServiceDb(config, service);
      await db.transaction((tx) => tx.execute(`DROP SCHEMA IF EXISTS "${schemaName(config, service)}" CASCADE`));
      await db.close();
    }
  });
  return config;
}

function start(databaseUrl: string | undefined, options: Omit<StartOptions, 'config' | 'env'> = {}): Promise<RunningSystem> {
  return startSystem({ config: testConfig(databaseUrl), env: {}, logger: 'silent', http: { port: 0 }, ...options });
}

function query(system: RunningSystem, service: ServiceName, sql: string, params: (string | number)[] = []): Promise<Row[]> {
  return system.service(service).db.transaction((tx) => tx.query(sql, params));
}

async function post(system: RunningSystem, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${system.http!.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface View {
  readonly status: string;
  readonly state: string;
  readonly steps: readonly { readonly message: string | null; readonly service: string }[];
}

async function view(system: RunningSystem, id: string): Promise<View> {
  return (await (await fetch(`${system.http!.url}/orders/${id}`)).json()) as View;
}

/** Places an order and waits until it is final and every service has done its part. */
async function placeAndWait(system: RunningSystem, body: unknown): Promise<{ id: string } & View> {
  const placed = await post(system, body);
  expect(placed.status).toBe(202);
  expect(placed.body['status']).toBe('PENDING');
  const id = String(placed.body['orderId']);
  await until(`order ${id}`, () => view(system, id), (v) => v.status !== 'PENDING');
  await system.idle();
  return { id, ...(await view(system, id)) };
}

const messages = (v: View) => v.steps.map((s) => s.message);

async function publish(system: RunningSystem, envelope: EventEnvelope, topic: string): Promise<void> {
  await system.transport.publish([{ topic, key: envelope.subject, ...toBinary(envelope) }]);
}

/** Every message type published on `topics` for `orderId`, as one more consumer group. */
async function watch(system: RunningSystem, topics: string[], orderId: string): Promise<{ seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const watcher = await system.transport.subscribe({
    group: `test-watcher-${randomBytes(3).toString('hex')}`,
    topics,
    handle: async (delivery) => {
      if (delivery.message.key === orderId) seen.push((delivery.message.headers['ce_type'] ?? '?').replace(/^.*\./, ''));
      return { kind: 'ack' };
    },
  });
  return { seen, close: () => watcher.close() };
}

describe.each(backends)('OrderFlow on $name', ({ databaseUrl }) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await start(databaseUrl);
    return () => system.stop();
  });

  it('happy path: charged, reserved, shipped, confirmed; analytics and notification listen', async () => {
    const { id, status, steps, ...rest } = await placeAndWait(system, order('SKU-1', 3000));
    expect(status).toBe('CONFIRMED');
    expect(messages({ status, steps, ...rest })).toEqual(['OrderCreated', 'PaymentCompleted', 'InventoryReserved', 'ShipmentScheduled', 'OrderConfirmed']);
    expect(steps.map((s) => s.service)).toEqual(['order', 'payment', 'inventory', 'shipping', 'order']);
    expect(await query(system, 'payment', 'SELECT status FROM payments WHERE order_id = ?', [id])).toEqual([{ status: 'CHARGED' }]);
    expect(await query(system, 'inventory', 'SELECT status FROM reservations WHERE order_id = ?', [id])).toEqual([{ status: 'RESERVED' }]);
    expect(await query(system, 'shipping', 'SELECT status FROM shipments WHERE order_id = ?', [id])).toEqual([{ status: 'SCHEDULED' }]);
    expect(await query(system, 'order', 'SELECT status FROM orders WHERE order_id = ?', [id])).toEqual([{ status: 'CONFIRMED' }]);
    expect(await query(system, 'analytics', 'SELECT item_count FROM order_facts WHERE order_id = ?', [id])).toEqual([{ item_count: 2 }]);
    const notes = await until('two notifications', () => query(system, 'notification', 'SELECT kind FROM notifications WHERE order_id = ? ORDER BY kind', [id]), (rows) => rows.length >= 2);
    expect(notes.map((r) => r['kind'])).toEqual(['order-confirmed', 'payment-received']);
  });

  it('out of stock after payment: payment refunds and order cancels, each on that event; no stock held', async () => {
    const before = await query(system, 'inventory', "SELECT available FROM stock WHERE sku = 'SKU-2'");
    const body = { customerId: 'c-2', items: [{ sku: 'SKU-2', quantity: 1, unitPrice: eur(100) }, { sku: 'OOS-1', quantity: 1, unitPrice: eur(100) }], total: eur(200) };
    const final = await placeAndWait(system, body);
    expect(final.status).toBe('CANCELLED');
    expect(final.state).toBe('COMPENSATED');
    expect([...messages(final)].sort()).toEqual(['InventoryReservationFailed', 'OrderCancelled', 'OrderCreated', 'PaymentCompleted', 'PaymentRefunded']);
    expect(await query(system, 'payment', 'SELECT status FROM payments WHERE order_id = ?', [final.id])).toEqual([{ status: 'REFUNDED' }]);
    expect(await query(system, 'inventory', 'SELECT status FROM reservations WHERE order_id = ?', [final.id])).toEqual([{ status: 'FAILED' }]);
    expect(await query(system, 'inventory', "SELECT available FROM stock WHERE sku = 'SKU-2'")).toEqual(before);
    const notes = await until('three notifications', () => query(system, 'notification', 'SELECT kind FROM notifications WHERE order_id = ? ORDER BY kind', [final.id]), (rows) => rows.length >= 3);
    expect(notes.map((r) => r['kind'])).toEqual(['order-cancelled', 'payment-received', 'payment-refunded']);
  });

  it('shipping fails: inventory releases the stock, then payment refunds (reverse order), order cancels', async () => {
    const before = await query(system, 'inventory', "SELECT available FROM stock WHERE sku = 'SKU-2'");
    const final = await placeAndWait(system, { ...order('SKU-2', 2400), shippingAddress: antarctica });
    expect(final.status).toBe('CANCELLED');
    const seen = messages(final);
    expect(seen.slice(0, 4)).toEqual(['OrderCreated', 'PaymentCompleted', 'InventoryReserved', 'ShipmentFailed']);
    expect(seen.indexOf('InventoryReleased')).toBeLessThan(seen.indexOf('PaymentRefunded'));
    expect(seen).toContain('OrderCancelled');
    expect(await query(system, 'inventory', 'SELECT status FROM reservations WHERE order_id = ?', [final.id])).toEqual([{ status: 'RELEASED' }]);
    expect(await query(system, 'inventory', "SELECT available FROM stock WHERE sku = 'SKU-2'")).toEqual(before);
    expect(await query(system, 'payment', 'SELECT status FROM payments WHERE order_id = ?', [final.id])).toEqual([{ status: 'REFUNDED' }]);
  });

  it('a declined payment cancels with nothing to undo', async () => {
    const final = await placeAndWait(system, order('SKU-3', 500_000));
    expect(final.status).toBe('CANCELLED');
    expect(messages(final)).toEqual(['OrderCreated', 'PaymentDeclined', 'OrderCancelled']);
    expect(await query(system, 'payment', 'SELECT status FROM payments WHERE order_id = ?', [final.id])).toEqual([{ status: 'DECLINED' }]);
    expect(await query(system, 'inventory', 'SELECT status FROM reservations WHERE order_id = ?', [final.id])).toEqual([]);
  });

  it('duplicate deliveries have no second effect: one charge, one refund, one analytics row', async () => {
    const orderId = randomUUID();
    const payments = await watch(system, [PaymentCompleted.topic], orderId);
    try {
      const data = { ...order('SKU-1', 1000), orderId, shippingAddress: antarctica };
      const created = OrderCreated.envelope(data);
      // The same message twice (the inbox drops it), then the same order under a new message id
      // (published again upstream: the reactions recognise the order).
      await publish(system, created, OrderCreated.topic);
      await publish(system, created, OrderCreated.topic);
      await publish(system, OrderCreated.envelope(data), OrderCreated.topic);
      await until('the refund', () => query(system, 'payment', 'SELECT status FROM payments WHERE order_id = ?', [orderId]), (rows) => rows[0]?.['status'] === 'REFUNDED');
      await system.idle();
      // The compensation asked for again: nothing is refunded twice.
      await publish(system, InventoryReleased.envelope({ orderId, reservationId: 'again' }), InventoryReleased.topic);
      await publish(system, InventoryReservationFailed.envelope({ orderId, reason: 'again' }), InventoryReservationFailed.topic);
      await system.idle();
      await until('the watcher', async () => payments.seen.length, (n) => n >= 2);
      expect(await query(system, 'payment', 'SELECT status FROM payments WHERE order_id = ?', [orderId])).toEqual([{ status: 'REFUNDED' }]);
      expect(payments.seen).toEqual(['PaymentCompleted', 'PaymentRefunded']);
      expect(await query(system, 'inventory', 'SELECT status FROM reservations WHERE order_id = ?', [orderId])).toEqual([{ status: 'RELEASED' }]);
      expect(await query(system, 'analytics', 'SELECT order_id FROM order_facts WHERE order_id = ?', [orderId])).toHaveLength(1);
      expect(await query(system, 'payment', 'SELECT message_id FROM edasaga_inbox WHERE message_id = ?', [created.id])).toHaveLength(1);
    } finally {
      await payments.close();
    }
  });
});

describe.each(backends)('OrderFlow out of order on $name', ({ databaseUrl }) => {
  it('InventoryReservationFailed seen by order before PaymentCompleted: cancelled once, never reverted', async () => {
    // Only the order service runs: this test delivers the other services' events itself, in the
    // order that cross-topic delivery can produce.
    const system = await start(databaseUrl, { services: ['order'] });
    try {
      const placed = await post(system, order('SKU-1', 2000));
      const id = String(placed.body['orderId']);
      const orders = await watch(system, [OrderCreated.topic], id);
      try {
        const failed = InventoryReservationFailed.envelope({ orderId: id, reason: 'out of stock: SKU-1' });
        await publish(system, failed, InventoryReservationFailed.topic);
        await publish(system, failed, InventoryReservationFailed.topic);
        await until('the cancellation', () => view(system, id), (v) => v.status === 'CANCELLED');
        await publish(system, PaymentCompleted.envelope({ orderId: id, paymentId: 'p-1', amount: eur(2000), items: order('SKU-1', 2000).items }), PaymentCompleted.topic);
        const final = await until('the late payment on the timeline', () => view(system, id), (v) => messages(v).includes('PaymentCompleted'));
        await system.idle();
        expect(final.status).toBe('CANCELLED');
        expect(final.state).toBe('COMPENSATED');
        expect([...messages(final)].sort()).toEqual(['InventoryReservationFailed', 'OrderCancelled', 'OrderCreated', 'PaymentCompleted']);
        await until('the watcher', async () => orders.seen.length, (n) => n >= 2);
        expect(orders.seen.filter((type) => type === 'OrderCancelled')).toHaveLength(1);
        expect(await query(system, 'order', 'SELECT status FROM orders WHERE order_id = ?', [id])).toEqual([{ status: 'CANCELLED' }]);
      } finally {
        await orders.close();
      }
    } finally {
      await system.stop();
    }
  });
});
