// The ops core on a running order system: sagas (list, stuck, one saga's story, an operator's
// confirmation), dead letters (list, show, replay through the outbox keeping the id, purge), the
// outbox's figures, and the designed errors (nothing changes when a command fails).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbFactories, PG_URL, postgresAvailable, waitFor } from './helpers.js';
import { startOrderSystem, type OrderSystem } from './fixtures/order-system.js';
import { M, orderSaga } from './fixtures/order-saga.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import { openSqlite } from '../../src/runtime/db/sqlite.js';
import { openPostgres } from '../../src/runtime/db/postgres.js';
import { countDeadLetters } from '../../src/runtime/store/dead-letters.js';
import {
  confirmCompensation,
  listDeadLetterSummaries,
  listSagaSummaries,
  opsSagaEngine,
  OpsError,
  outboxStats,
  parseDuration,
  purgeDeadLetters,
  replayDeadLetters,
  resolveService,
  sagaDetails,
  showDeadLetter,
  toOpsError,
} from '../../src/runtime/ops/index.js';

/** The OpsError a promise rejects with (fails the test when it resolves). */
async function opsError(promise: Promise<unknown>): Promise<OpsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpsError);
  return error as OpsError;
}

for (const factory of dbFactories) {
  describe.skipIf(!factory.available)(`ops core (${factory.name})`, () => {
    let system: OrderSystem;
    const clock = new VirtualClock();
    const sagaState = async (id: string) => (await system.services.order.saga('OrderSaga').get(id))?.state;
    beforeAll(async () => {
      system = await startOrderSystem(factory, { clock });
    });
    afterAll(() => system?.stop());

    it('lists sagas by state and the stuck ones, and tells one saga\'s story', async () => {
      const done = await system.placeOrder();
      system.behaviour.silentPayment.add('stuck-1');
      await system.placeOrder('stuck-1');
      await waitFor(async () => (await sagaState(done)) === 'COMPLETED' && (await sagaState('stuck-1')) === 'PAYMENT_PENDING', 10_000, 'the sagas');
      await system.settle();
      const db = system.services.order.db;
      const pending = await listSagaSummaries(db, 'order', { state: 'PAYMENT_PENDING', definitions: [orderSaga], now: clock.now() });
      expect(pending.map((s) => [s.id, s.type, s.step, s.attempts, s.deadline?.kind])).toEqual([['stuck-1', 'OrderSaga', 'payment', 1, 'timeout']]);
      expect(await listSagaSummaries(db, 'order', { stuckOlderThanMs: 60_000, now: clock.now() })).toEqual([]);
      const stuck = await listSagaSummaries(db, 'order', { stuckOlderThanMs: 60_000, now: clock.now() + 120_000 });
      expect(stuck.map((s) => [s.id, s.state, s.idleMs, s.step])).toEqual([['stuck-1', 'PAYMENT_PENDING', 120_000, '#0']]);
      expect(await listSagaSummaries(db, 'order', { limit: 1 })).toHaveLength(1);

      const story = await sagaDetails(db, 'order', done, { now: clock.now() });
      expect(story.saga).toMatchObject({ id: done, state: 'COMPLETED', terminal: true, deadline: undefined });
      expect(story.transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['STARTED>PAYMENT_PENDING', 'PAYMENT_PENDING>INVENTORY_PENDING', 'INVENTORY_PENDING>SHIPPING_PENDING', 'SHIPPING_PENDING>COMPLETED']);
      expect(story.received.map((m) => m.type)).toEqual([M.OrderCreated.type, M.PaymentCompleted.type, M.InventoryReserved.type, M.ShipmentScheduled.type]);
      expect(story.sent.map((m) => [m.type, m.status])).toEqual([
        [M.ProcessPayment.type, 'published'],
        [M.ReserveInventory.type, 'published'],
        [M.ScheduleShipment.type, 'published'],
        [M.OrderConfirmed.type, 'published'],
      ]);
      // The ids are the messages' own: the participant's inbox has them.
      const inbox = await system.services.payment.db.transaction((tx) => tx.query<{ message_id: string }>('SELECT message_id FROM edasaga_inbox'));
      expect(inbox.map((row) => row.message_id)).toContain(story.sent[0]!.id);
      const waiting = await sagaDetails(db, 'order', 'stuck-1', { now: clock.now() + 1000 });
      expect(waiting.saga.deadline).toMatchObject({ kind: 'timeout', inMs: 29_000 });
      expect(waiting.saga.awaitingMessageId).toBe(waiting.sent[0]!.id);

      expect((await opsError(sagaDetails(db, 'order', 'no-such-order'))).code).toBe('unknown-saga');
      expect((await opsError(sagaDetails(db, 'order', done, { type: 'OtherSaga' }))).message).toBe(`order: no OtherSaga saga with id ${done}`);
    });

    it('confirms a compensation an operator did by hand, and refuses when none is awaited', async () => {
      system.behaviour.outOfStock.add('refund-1');
      system.behaviour.silentRefund.add('refund-1');
      await system.placeOrder('refund-1');
      await waitFor(async () => (await sagaState('refund-1')) === 'COMPENSATING_PAYMENT', 10_000, 'the refund to be awaited');
      const engine = opsSagaEngine(system.services.order.db, 'order', orderSaga);
      expect((await opsError(confirmCompensation(engine, 'order', 'refund-1', '  '))).code).toBe('bad-argument');
      const confirmed = await confirmCompensation(engine, 'order', 'refund-1', 'refunded by hand, ticket 42');
      expect(confirmed).toMatchObject({ from: 'COMPENSATING_PAYMENT', to: 'COMPENSATED' });
      const again = await opsError(confirmCompensation(engine, 'order', 'refund-1', 'twice'));
      expect([again.code, again.message]).toEqual(['not-compensating', 'order: OrderSaga refund-1 is COMPENSATED, not waiting for a compensation; nothing changed']);
      expect((await opsError(confirmCompensation(engine, 'order', 'nobody', 'x'))).code).toBe('unknown-saga');
      const history = await system.services.order.saga('OrderSaga').history('refund-1');
      expect(history.filter((entry) => entry.event === 'operator')).toHaveLength(1);
      // The running relay publishes the OrderCancelled the confirmation wrote to the outbox.
      await system.settle();
    });

    it('lists, shows, replays (keeping the id) and purges dead letters', async () => {
      const payment = system.services.payment;
      system.behaviour.rejectPayment.add('dl-1');
      system.behaviour.rejectPayment.add('dl-2');
      await system.placeOrder('dl-1');
      await system.placeOrder('dl-2');
      await waitFor(async () => (await payment.db.transaction((tx) => countDeadLetters(tx))) === 2, 10_000, 'two dead letters');
      const list = await listDeadLetterSummaries(payment.db, 'payment', { now: clock.now() });
      expect(list.total).toBe(2);
      expect(list.deadLetters.map((d) => [d.consumer, d.type, d.topic, d.key, d.error])).toEqual([
        ['payment', M.ProcessPayment.type, 'payment-commands', 'dl-1', 'payment of dl-1 rejected by the handler'],
        ['payment', M.ProcessPayment.type, 'payment-commands', 'dl-2', 'payment of dl-2 rejected by the handler'],
      ]);
      const [first, second] = list.deadLetters;
      const shown = await showDeadLetter(payment.db, 'payment', first!.seq);
      expect(shown.headers['ce_id']).toBe(first!.messageId);
      expect(shown.body).toMatchObject({ orderId: 'dl-1' });
      expect((await opsError(showDeadLetter(payment.db, 'payment', 999_999))).code).toBe('unknown-dead-letter');

      const dry = await replayDeadLetters(payment.db, 'payment', { all: true }, { dryRun: true });
      expect([dry.dryRun, dry.messages.length, dry.summary]).toEqual([true, 2, 'payment: would replay 2 dead letter(s); nothing changed (dry run)']);
      expect(await payment.db.transaction((tx) => countDeadLetters(tx))).toBe(2);
      expect((await opsError(replayDeadLetters(payment.db, 'payment', { seq: 999_999 }))).code).toBe('unknown-dead-letter');

      // The cause is fixed; the replay goes through the outbox with the original message id.
      system.behaviour.rejectPayment.clear();
      const replayed = await replayDeadLetters(payment.db, 'payment', { seq: first!.seq });
      expect(replayed.messages.map((m) => m.messageId)).toEqual([first!.messageId]);
      expect(replayed.summary).toMatch(/^payment: replayed 1 dead letter\(s\) through the outbox with their original message ids/);
      await waitFor(async () => (await sagaState('dl-1')) === 'COMPLETED', 10_000, 'the replayed order to complete');
      const payments = await payment.db.transaction((tx) => tx.query<{ doc: string }>("SELECT doc FROM edasaga_documents WHERE collection = 'payments' AND id = 'dl-1'"));
      expect(JSON.parse(payments[0]!.doc)).toMatchObject({ charges: 1 });
      const none = await replayDeadLetters(payment.db, 'payment', { all: true, type: 'com.example.Other' });
      expect(none.messages).toEqual([]);
      expect((await replayDeadLetters(payment.db, 'payment', { all: true, type: M.ProcessPayment.type })).messages.map((m) => m.seq)).toEqual([second!.seq]);
      await waitFor(async () => (await sagaState('dl-2')) === 'COMPLETED', 10_000, 'the second order to complete');

      system.behaviour.rejectPayment.add('dl-3');
      await system.placeOrder('dl-3');
      await waitFor(async () => (await payment.db.transaction((tx) => countDeadLetters(tx))) === 1, 10_000, 'a third dead letter');
      expect((await purgeDeadLetters(payment.db, 'payment', { all: true, olderThanMs: 60_000 }, { now: clock.now() })).messages).toEqual([]);
      const purged = await purgeDeadLetters(payment.db, 'payment', { all: true, olderThanMs: 60_000 }, { now: clock.now() + 61_000 });
      expect([purged.messages.map((m) => m.key), purged.summary]).toEqual([['dl-3'], 'payment: purged 1 dead letter(s)']);
      expect((await opsError(purgeDeadLetters(payment.db, 'payment', { seq: purged.messages[0]!.seq }))).code).toBe('unknown-dead-letter');
    });

    it('tells the outbox\'s pending rows, their age, and what was dispatched per minute', async () => {
      await system.settle();
      const order = system.services.order;
      const idle = await outboxStats(order.db, 'order', { now: clock.now() });
      expect([idle.pending, idle.oldestPendingAgeMs]).toEqual([0, undefined]);
      const thisMinute = idle.recent[idle.recent.length - 1]!.dispatched;
      expect(thisMinute).toBeGreaterThan(0);
      await order.relay.stop();
      await system.placeOrder('paused-1');
      clock.advance(61_000);
      const paused = await outboxStats(order.db, 'order', { now: clock.now() });
      expect([paused.pending, paused.oldestPendingAgeMs, paused.dispatchedLastMinute]).toEqual([1, 61_000, thisMinute]);
      expect(paused.dispatchedPerMinute).toBeCloseTo(thisMinute / 15);
      await order.relay.start();
      await waitFor(async () => (await outboxStats(order.db, 'order')).pending === 0, 10_000, 'the outbox to drain');
    });
  });
}

describe('ops errors', () => {
  it('name the service, suggest a near one, parse durations and integers', () => {
    expect(resolveService('payment', ['order', 'payment'])).toBe('payment');
    let error: unknown;
    try {
      resolveService('paymnet', ['order', 'payment', 'inventory']);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'unknown-service', exitCode: 2, message: 'unknown service "paymnet" (did you mean payment?); the services are: order, payment, inventory' });
    expect(parseDuration('5m', '--older-than')).toBe(300_000);
    expect(parseDuration('1.5h', '--older-than')).toBe(5_400_000);
    expect(() => parseDuration('5 minutes', '--older-than')).toThrow('--older-than: expected a duration such as 90s, 5m, 2h or 1d, got "5 minutes"');
  });

  it('turn a missing or foreign SQLite file into one line, creating nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edasaga-ops-'));
    try {
      const missing = join(dir, 'payment.db');
      const error = toOpsError(await Promise.resolve().then(() => openSqlite({ file: missing, mustExist: true })).then(() => undefined, (e: unknown) => e), 'payment');
      expect(error.code).toBe('database-unreachable');
      expect(error.message).not.toContain('\n');
      expect(existsSync(missing)).toBe(false);
      writeFileSync(join(dir, 'empty.db'), '');
      const empty = openSqlite({ file: join(dir, 'empty.db'), mustExist: true });
      try {
        expect((await opsError(listSagaSummaries(empty, 'payment'))).code).toBe('not-a-service-database');
      } finally {
        await empty.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!postgresAvailable)('turn an unreachable server or a missing schema into one line', async () => {
    const refused = toOpsError(await openPostgres({ schema: 'nowhere', connectionString: 'postgres://postgres@127.0.0.1:1/test' }).then(() => undefined, (e: unknown) => e), 'payment');
    expect(refused.code).toBe('database-unreachable');
    expect(refused.message).toMatch(/^payment: the database cannot be reached: /);
    const schema = `ops_missing_${Date.now()}`;
    const missing = toOpsError(await openPostgres({ schema, connectionString: PG_URL, createSchema: false }).then(() => undefined, (e: unknown) => e), 'payment');
    expect(missing.code).toBe('not-a-service-database');
    const probe = await openPostgres({ schema: 'public', connectionString: PG_URL, createSchema: false });
    try {
      const rows = await probe.transaction((tx) => tx.query('SELECT 1 FROM pg_namespace WHERE nspname = ?', [schema]));
      expect(rows).toEqual([]);
    } finally {
      await probe.close();
    }
  });
});
