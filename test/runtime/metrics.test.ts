// The Prometheus metrics move as messages flow, read from the exposition text a scrape would get.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbFactories, waitFor } from './helpers.js';
import { startOrderSystem, type OrderSystem } from './fixtures/order-system.js';
import { M } from './fixtures/order-saga.js';
import { createRuntimeMetrics, type RuntimeMetrics } from '../../src/runtime/observability/metrics.js';
import type { Db } from '../../src/runtime/db/port.js';
import { Outbox } from '../../src/runtime/store/outbox.js';

/** The value of one series in exposition text, or undefined when it is absent. */
function series(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

for (const factory of dbFactories) {
  describe.skipIf(!factory.available)(`metrics (${factory.name})`, () => {
    let metrics: RuntimeMetrics;
    let system: OrderSystem;
    const scrape = () => metrics.metricsText();
    beforeAll(async () => {
      metrics = await createRuntimeMetrics({ processMetrics: false });
      system = await startOrderSystem(factory, { observe: { observer: metrics } });
    });
    afterAll(() => system?.stop());

    it('count handled messages, published messages, handler time and finished sagas', async () => {
      const orders = 4;
      for (let i = 0; i < orders; i++) await system.placeOrder();
      await waitFor(async () => (await system.services.order.saga('OrderSaga').countByState())['COMPLETED'] === orders, 10_000, 'the sagas to complete');
      await system.settle();
      const text = await scrape();
      expect(metrics.contentType).toContain('text/plain');
      expect(series(text, 'edasaga_messages_handled_total', { service: 'payment', type: M.ProcessPayment.type, outcome: 'ok' })).toBe(orders);
      expect(series(text, 'edasaga_messages_handled_total', { service: 'order', type: M.PaymentCompleted.type, outcome: 'ok' })).toBe(orders);
      expect(series(text, 'edasaga_handler_duration_seconds_count', { service: 'payment', type: M.ProcessPayment.type })).toBe(orders);
      expect(series(text, 'edasaga_handler_duration_seconds_sum', { service: 'payment', type: M.ProcessPayment.type })).toBeGreaterThan(0);
      // OrderCreated, ProcessPayment, ReserveInventory, ScheduleShipment, OrderConfirmed.
      expect(series(text, 'edasaga_relay_published_total', { service: 'order' })).toBe(orders * 5);
      expect(series(text, 'edasaga_relay_published_total', { service: 'payment' })).toBe(orders);
      expect(series(text, 'edasaga_relay_errors_total', { service: 'order' })).toBeUndefined();
      expect(series(text, 'edasaga_sagas', { saga: 'OrderSaga', state: 'COMPLETED' })).toBe(orders);
      expect(series(text, 'edasaga_sagas', { saga: 'OrderSaga', state: 'PAYMENT_PENDING' })).toBe(0);
      expect(series(text, 'edasaga_saga_duration_seconds_count', { saga: 'OrderSaga', outcome: 'completed' })).toBe(orders);
      for (const service of Object.keys(system.services)) {
        expect(series(text, 'edasaga_outbox_pending', { service })).toBe(0);
        expect(series(text, 'edasaga_outbox_oldest_pending_seconds', { service })).toBe(0);
        expect(series(text, 'edasaga_dead_letters', { service })).toBe(0);
        expect(series(text, 'edasaga_database_up', { service })).toBe(1);
      }
    });

    it('show outbox rows piling up while the relay is paused, and going back to 0', async () => {
      const payment = system.services.payment;
      await payment.relay.stop();
      for (let i = 0; i < 3; i++) await system.placeOrder();
      await waitFor(async () => series(await scrape(), 'edasaga_outbox_pending', { service: 'payment' }) === 3, 10_000, 'three replies waiting in the outbox of payment');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(series(await scrape(), 'edasaga_outbox_oldest_pending_seconds', { service: 'payment' })).toBeGreaterThan(0);
      expect(series(await scrape(), 'edasaga_sagas', { saga: 'OrderSaga', state: 'PAYMENT_PENDING' })).toBe(3);
      await payment.relay.start();
      await waitFor(async () => series(await scrape(), 'edasaga_outbox_pending', { service: 'payment' }) === 0, 10_000, 'the outbox of payment to drain');
      await system.settle();
      expect(series(await scrape(), 'edasaga_sagas', { saga: 'OrderSaga', state: 'PAYMENT_PENDING' })).toBe(0);
    });

    it('label duplicates and dead letters', async () => {
      const order = system.services.order;
      const sent = (await order.db.transaction((tx) => order.outbox.all(tx))).filter((row) => row.type === M.ProcessPayment.type);
      const before = series(await scrape(), 'edasaga_messages_handled_total', { service: 'payment', type: M.ProcessPayment.type, outcome: 'duplicate' }) ?? 0;
      await system.transport.publish([sent[0]!.message]);
      await waitFor(async () => series(await scrape(), 'edasaga_messages_handled_total', { service: 'payment', type: M.ProcessPayment.type, outcome: 'duplicate' }) === before + 1, 10_000, 'the duplicate');
      // Unreadable data: dead-lettered at once.
      await system.transport.publish([{ ...sent[0]!.message, headers: { ...sent[0]!.message.headers, ce_id: 'broken-1' }, body: '{not json' }]);
      await waitFor(async () => series(await scrape(), 'edasaga_dead_letters', { service: 'payment' }) === 1, 10_000, 'the dead letter');
      expect(series(await scrape(), 'edasaga_messages_handled_total', { service: 'payment', type: 'unknown', outcome: 'dead_letter' })).toBe(1);
    });

    it('keep registries apart and report a database that does not answer', async () => {
      const other = await createRuntimeMetrics({ processMetrics: false });
      const broken = { dialect: system.services.order.db.dialect, location: 'nowhere', transaction: () => Promise.reject(new Error('connection refused')), close: async () => undefined } as unknown as Db;
      other.attach?.({ name: 'lost', db: broken, outbox: new Outbox(broken), sagas: [] });
      const text = await other.metricsText();
      expect(series(text, 'edasaga_database_up', { service: 'lost' })).toBe(0);
      expect(series(text, 'edasaga_outbox_pending', { service: 'lost' })).toBeUndefined();
      expect(series(text, 'edasaga_relay_published_total', { service: 'order' })).toBeUndefined();
      expect(series(await scrape(), 'edasaga_database_up', { service: 'lost' })).toBeUndefined();
    });
  });
}
