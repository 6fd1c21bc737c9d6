// The OrderSaga end to end, every service in this process: the happy path, the compensation paths,
// a duplicate delivery that must not charge twice, and a step timeout (on a virtual clock) that must
// compensate everything done so far. On throw-away SQLite files, and also on PostgreSQL (throw-away
// schemas, dropped afterwards) when TEST_DATABASE_URL=postgres://... is set. This file is yours.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock, toBinary, type Row } from '../src/generated/runtime/index.js';
import { SERVICE_NAMES, loadConfig, openServiceDb, schemaName, startSystem, type AppConfig, type RunningSystem, type ServiceName, type StartOptions } from '../src/generated/app/index.js';
import { ProcessPayment } from '../src/generated/index.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const order = (sku: string, total: number) => ({ customerId: 'c-1', items: [{ sku, quantity: 2, unitPrice: eur(total / 2) }], total: eur(total) });

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
  const dataDir = mkdtempSync(join(tmpdir(), 'order-saga-test-'));
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

async function start(databaseUrl: string | undefined, options: Omit<StartOptions, 'config' | 'env'> = {}): Promise<RunningSystem> {
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

async function view(system: RunningSystem, id: string): Promise<{ status: string; state: string; steps: { message: string | null }[] }> {
  const response = await fetch(`${system.http!.url}/orders/${id}`);
  return (await response.json()) as { status: string; state: string; steps: { message: string | null }[] };
}

async function placeAndWait(system: RunningSystem, body: unknown): Promise<{ id: string; status: string; steps: { message: string | null }[] }> {
  const placed = await post(system, body);
  expect(placed.status).toBe(202);
  expect(placed.body['status']).toBe('PENDING');
  const id = String(placed.body['orderId']);
  const final = await until(`order ${id}`, () => view(system, id), (v) => v.status !== 'PENDING');
  await system.idle();
  return { id, ...final };
}

describe.each(backends)('OrderSaga on $name', ({ databaseUrl }) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await start(databaseUrl);
    return () => system.stop();
  });

  it('happy path: charges once, reserves stock, schedules a shipment, confirms', async () => {
    const { id, status, steps } = await placeAndWait(system, order('SKU-1', 3000));
    expect(status).toBe('CONFIRMED');
    expect(steps.map((s) => s.message)).toEqual(['OrderCreated', 'PaymentCompleted', 'InventoryReserved', 'ShipmentScheduled']);
    expect(await query(system, 'payment', 'SELECT status FROM payments WHERE order_id = ?', [id])).toEqual([{ status: 'CHARGED' }]);
    expect(await query(system, 'inventory', 'SELECT status FROM reservations WHERE order_id = ?', [id])).toEqual([{ status: 'RESERVED' }]);
    expect(await query(system, 'shipping', 'SELECT status FROM shipments WHERE order_id = ?', [id])).toEqual([{ status: 'SCHEDULED' }]);
    // The notification service reads the saga's last event on its own: wait for its row.
    const notified = await until('the notification', () => query(system, 'notification', 'SELECT kind FROM notifications WHERE order_id = ?', [id]), (rows) => rows.length > 0);
    expect(notified).toEqual([{ kind: 'order-confirmed' }]);
  });

  it('compensation: out of stock after payment refunds the payment and cancels', async () => {
    const before = await query(system, 'inventory', "SELECT available FROM stock WHERE sku = 'SKU-2'");
    const body = { customerId: 'c-2', items: [{ sku: 'SKU-2', quantity: 1, unitPrice: eur(100) }, { sku: 'OOS-1', quantity: 1, unitPrice: eur(100) }], total: eur(200) };
    const { id, status, steps } = await placeAndWait(system, body);
    expect(status).toBe('CANCELLED');
    expect(steps.map((s) => s.message)).toEqual(['OrderCreated', 'PaymentCompleted', 'InventoryReservationFailed', 'PaymentRefunded']);
    expect(await query(system, 'payment', 'SELECT status FROM payments WHERE order_id = ?', [id])).toEqual([{ status: 'REFUNDED' }]);
    expect(await query(system, 'inventory', 'SELECT status FROM reservations WHERE order_id = ?', [id])).toEqual([]);
    expect(await query(system, 'inventory', "SELECT available FROM stock WHERE sku = 'SKU-2'")).toEqual(before);
    const notes = await until('two notifications', () => query(system, 'notification', 'SELECT kind FROM notifications WHERE order_id = ? ORDER BY kind', [id]), (rows) => rows.length >= 2);
    const kinds = notes.map((r) => r['kind']);
    expect(kinds).toEqual(['order-cancelled', 'payment-refunded']);
  });

  it('compensation: an address we cannot deliver to releases the stock, then refunds the payment, then cancels', async () => {
    const before = await query(system, 'inventory', "SELECT available FROM stock WHERE sku = 'SKU-2'");
    const antarctica = { line1: 'McMurdo Station', city: 'Ross Island', postalCode: '96599', country: 'AQ' };
    const { id, status, steps } = await placeAndWait(system, { ...order('SKU-2', 2400), shippingAddress: antarctica });
    expect(status).toBe('CANCELLED');
    expect((await view(system, id)).state).toBe('COMPENSATED');
    // Reverse order: the stock held by the inventory step goes back before the payment step is undone.
    expect(steps.map((s) => s.message)).toEqual(['OrderCreated', 'PaymentCompleted', 'InventoryReserved', 'ShipmentFailed', 'InventoryReleased', 'PaymentRefunded']);
    expect(await query(system, 'shipping', 'SELECT status FROM shipments WHERE order_id = ?', [id])).toEqual([]);
    expect(await query(system, 'inventory', 'SELECT status FROM reservations WHERE order_id = ?', [id])).toEqual([{ status: 'RELEASED' }]);
    expect(await query(system, 'inventory', "SELECT available FROM stock WHERE sku = 'SKU-2'")).toEqual(before);
    expect(await query(system, 'payment', 'SELECT status FROM payments WHERE order_id = ?', [id])).toEqual([{ status: 'REFUNDED' }]);
    // OrderCancelled was published (the notification service got it, with the reason) after the refund.
    const notes = await until('two notifications', () => query(system, 'notification', 'SELECT kind, text FROM notifications WHERE order_id = ? ORDER BY kind', [id]), (rows) => rows.length >= 2);
    expect(notes.map((r) => r['kind'])).toEqual(['order-cancelled', 'payment-refunded']);
    expect(String(notes[0]?.['text'])).toContain('cannot deliver to AQ');
  });

  it('a declined payment cancels without charging', async () => {
    const { id, status } = await placeAndWait(system, order('SKU-3', 500_000));
    expect(status).toBe('CANCELLED');
    expect(await query(system, 'payment', 'SELECT * FROM payments WHERE order_id = ?', [id])).toEqual([]);
  });

  it('rejects a bad request with 400 naming the field', async () => {
    const bad = await post(system, { customerId: 'c-3', items: [{ sku: 'SKU-1', quantity: 0, unitPrice: eur(1) }], total: eur(0) });
    expect(bad.status).toBe(400);
    expect(bad.body['field']).toBe('items[0].quantity');
    const missing = await post(system, { items: [{ sku: 'SKU-1', quantity: 1, unitPrice: eur(1) }], total: eur(1) });
    expect(missing.status).toBe(400);
    expect(missing.body['field']).toBe('customerId');
  });

  it('a duplicate delivery has no second effect', async () => {
    const orderId = '5b0c8a43-3f0e-4c43-9d55-0d5f2b6c2a11';
    // Watch what the payment service answers, as one more consumer group on its topic.
    const answers: string[] = [];
    const watcher = await system.transport.subscribe({
      group: 'test-watcher',
      topics: ['payments'],
      handle: async (delivery) => {
        if (delivery.message.key === orderId) answers.push(delivery.message.headers['ce_type'] ?? '?');
        return { kind: 'ack' };
      },
    });
    try {
      const envelope = ProcessPayment.envelope({ orderId, customerId: 'c-4', amount: eur(1234) });
      const message = { topic: ProcessPayment.topic, key: orderId, ...toBinary(envelope) };
      await system.transport.publish([message]);
      await system.transport.publish([message]);
      await until('the payment', () => query(system, 'payment', 'SELECT * FROM payments WHERE order_id = ?', [orderId]), (rows) => rows.length > 0);
      await system.idle();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await query(system, 'payment', 'SELECT status FROM payments WHERE order_id = ?', [orderId])).toEqual([{ status: 'CHARGED' }]);
      expect(answers).toEqual(['com.example.orders.PaymentCompleted']);
      expect(await query(system, 'payment', 'SELECT message_id FROM edasaga_inbox WHERE message_id = ?', [envelope.id])).toHaveLength(1);
    } finally {
      await watcher.close();
    }
  });
});

describe.each(backends)('OrderSaga step timeout on $name (virtual clock)', ({ databaseUrl }) => {
  it('compensates shipping, inventory and payment when the shipment is never confirmed', async () => {
    const clock = new VirtualClock();
    // The shipping service loses ScheduleShipment commands: no reply ever comes.
    const system = await start(databaseUrl, { clock, sagaTimerIntervalMs: 20, handlers: { shipping: { ScheduleShipment: async () => undefined } } });
    try {
      const before = await query(system, 'inventory', "SELECT available FROM stock WHERE sku = 'SKU-1'");
      const placed = await post(system, order('SKU-1', 3000));
      const id = String(placed.body['orderId']);
      await until('the shipping step', () => view(system, id), (v) => v.state === 'SHIPPING_PENDING');
      // Every attempt waits for the step's timeout (1 min); after the last one the saga compensates.
      const final = await until(
        'the compensation',
        async () => {
          clock.advance(61_000);
          return view(system, id);
        },
        (v) => v.status !== 'PENDING',
      );
      await system.idle();
      expect(final.status).toBe('CANCELLED');
      expect(final.state).toBe('COMPENSATED');
      expect(await query(system, 'payment', 'SELECT status FROM payments WHERE order_id = ?', [id])).toEqual([{ status: 'REFUNDED' }]);
      expect(await query(system, 'inventory', 'SELECT status FROM reservations WHERE order_id = ?', [id])).toEqual([{ status: 'RELEASED' }]);
      expect(await query(system, 'inventory', "SELECT available FROM stock WHERE sku = 'SKU-1'")).toEqual(before);
    } finally {
      await system.stop();
    }
  });
});
