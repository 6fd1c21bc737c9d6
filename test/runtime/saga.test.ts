import { afterEach, describe, expect, it } from 'vitest';
import { dbFactories, waitFor } from './helpers.js';
import { startOrderSystem, type OrderSystem } from './fixtures/order-system.js';
import { M, orderSaga, type OrderSagaData } from './fixtures/order-saga.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import { checkSagaDefinition, deriveSagaMachine, machineFor } from '../../src/runtime/saga/definition.js';
import { createEnvelope, toBinary } from '../../src/runtime/envelope.js';
import { migrate } from '../../src/runtime/db/migrate.js';
import { ConcurrencyConflict } from '../../src/runtime/db/port.js';
import { insertSaga, loadSaga, saveSaga } from '../../src/runtime/saga/store.js';
import type { SagaEngine } from '../../src/runtime/saga/engine.js';

/** A stored saga in its first state, version 1 (for tests of the saga store). */
const sagaRow = (id: string) => ({ sagaType: 'S', id, state: 'A_PENDING', terminal: false, version: 1, data: { n: 0 }, step: 0, attempt: 1, deadlineAt: undefined, deadlineKind: undefined, createdAt: 1, updatedAt: 1 });

describe('saga state machine', () => {
  it('derives the OrderSaga machine the generator will emit', () => {
    const machine = orderSaga.machine;
    const table = machine.transitions.map((t) => `${t.from} --${t.on.kind === 'reply' ? t.on.type.split('.').pop() : t.on.kind}--> ${t.to} [${t.action.kind}${'step' in t.action ? ` ${t.action.step}` : ''}]`);
    expect(table).toEqual([
      'STARTED --start--> PAYMENT_PENDING [send-command payment]',
      'PAYMENT_PENDING --PaymentCompleted--> INVENTORY_PENDING [send-command inventory]',
      'PAYMENT_PENDING --PaymentFailed--> COMPENSATED [compensated]',
      'PAYMENT_PENDING --timeout--> PAYMENT_PENDING [send-command payment]',
      'PAYMENT_PENDING --timeout-exhausted--> COMPENSATING_PAYMENT [send-compensation payment]',
      'INVENTORY_PENDING --InventoryReserved--> SHIPPING_PENDING [send-command shipping]',
      'INVENTORY_PENDING --InventoryReservationFailed--> COMPENSATING_PAYMENT [send-compensation payment]',
      'INVENTORY_PENDING --timeout--> INVENTORY_PENDING [send-command inventory]',
      'INVENTORY_PENDING --timeout-exhausted--> COMPENSATING_INVENTORY [send-compensation inventory]',
      'SHIPPING_PENDING --ShipmentScheduled--> COMPLETED [complete]',
      'SHIPPING_PENDING --timeout--> SHIPPING_PENDING [send-command shipping]',
      'SHIPPING_PENDING --timeout-exhausted--> COMPENSATING_SHIPPING [send-compensation shipping]',
      'COMPENSATING_PAYMENT --PaymentRefunded--> COMPENSATED [compensated]',
      'COMPENSATING_PAYMENT --PaymentCompleted--> COMPENSATING_PAYMENT [send-compensation payment]',
      'COMPENSATING_PAYMENT --timeout--> COMPENSATING_PAYMENT [send-compensation payment]',
      'COMPENSATING_PAYMENT --timeout-exhausted--> COMPENSATING_PAYMENT [send-compensation payment]',
      'COMPENSATING_INVENTORY --InventoryReleased--> COMPENSATING_PAYMENT [send-compensation payment]',
      'COMPENSATING_INVENTORY --InventoryReserved--> COMPENSATING_INVENTORY [send-compensation inventory]',
      'COMPENSATING_INVENTORY --timeout--> COMPENSATING_INVENTORY [send-compensation inventory]',
      'COMPENSATING_INVENTORY --timeout-exhausted--> COMPENSATING_INVENTORY [send-compensation inventory]',
      'COMPENSATING_SHIPPING --ShipmentCancelled--> COMPENSATING_INVENTORY [send-compensation inventory]',
      'COMPENSATING_SHIPPING --ShipmentScheduled--> COMPENSATING_SHIPPING [send-compensation shipping]',
      'COMPENSATING_SHIPPING --timeout--> COMPENSATING_SHIPPING [send-compensation shipping]',
      'COMPENSATING_SHIPPING --timeout-exhausted--> COMPENSATING_SHIPPING [send-compensation shipping]',
    ]);
    expect(checkSagaDefinition(orderSaga)).toEqual([]);
  });

  it('skips steps without compensation when compensating', () => {
    const machine = deriveSagaMachine([
      { name: 'a', success: 'A', failures: [], compensation: { reply: 'AU' }, timeoutMs: 1 },
      { name: 'notify', success: 'N', failures: [], timeoutMs: 1 },
      { name: 'c', success: 'C', failures: ['CF'], timeoutMs: 1 },
    ]);
    const t = machine.transitions.find((x) => x.from === 'C_PENDING' && x.on.kind === 'reply' && x.on.type === 'CF');
    expect(t).toMatchObject({ to: 'COMPENSATING_A', action: { kind: 'send-compensation', step: 'a' } });
  });

  it('reports an inconsistent definition', () => {
    const broken = { ...orderSaga, machine: { ...orderSaga.machine, transitions: [...orderSaga.machine.transitions, { from: 'NOWHERE', on: { kind: 'start' as const }, to: 'COMPLETED', action: { kind: 'complete' as const } }] } };
    expect(checkSagaDefinition(broken)).toContain('transition from unknown state NOWHERE');
  });
});

const typesOf = (system: OrderSystem, service: keyof OrderSystem['services']): Promise<string[]> =>
  system.services[service].db.transaction(async (tx) => (await system.services[service].outbox.all(tx)).map((row) => row.type.split('.').pop()!));
/** Message ids of one type in a service's outbox, in the order written. */
const idsOf = (system: OrderSystem, service: keyof OrderSystem['services'], type: string): Promise<string[]> =>
  system.services[service].db.transaction(async (tx) => (await system.services[service].outbox.all(tx)).filter((row) => row.type.endsWith(`.${type}`)).map((row) => row.id));

for (const factory of dbFactories) {
  describe.skipIf(!factory.available)(`OrderSaga on ${factory.name}`, () => {
    let system: OrderSystem | undefined;
    afterEach(async () => {
      await system?.stop();
      system = undefined;
    });
    const engineOf = (s: OrderSystem): SagaEngine<OrderSagaData> => s.services.order.saga<OrderSagaData>('OrderSaga');
    /** Fires due deadlines once the system has settled (queued work would rightly postpone them). */
    const fireDue = async (s: OrderSystem, engine: SagaEngine<OrderSagaData>): Promise<number> => {
      await s.settle();
      return engine.fireDueTimeouts();
    };
    const waitForState = async (s: OrderSystem, id: string, state: string): Promise<void> =>
      waitFor(async () => (await engineOf(s).get(id))?.state === state, 10_000, `saga ${id} in ${state}`);

    it('happy path: pays, reserves, ships, confirms', async () => {
      system = await startOrderSystem(factory);
      const id = await system.placeOrder();
      await waitForState(system, id, 'COMPLETED');
      const saga = await engineOf(system).get(id);
      expect(saga).toMatchObject({ terminal: true, data: { paymentId: expect.stringMatching(/^pay-/), reservationId: expect.stringMatching(/^res-/), shipmentId: expect.stringMatching(/^ship-/) } });
      expect(saga?.deadlineAt).toBeUndefined();
      const history = await engineOf(system).history(id);
      expect(history.map((h) => h.to)).toEqual(['PAYMENT_PENDING', 'INVENTORY_PENDING', 'SHIPPING_PENDING', 'COMPLETED']);
      expect(history[0]).toMatchObject({ event: 'start', messageType: M.OrderCreated.type });
      expect(await typesOf(system, 'order')).toEqual(['OrderCreated', 'ProcessPayment', 'ReserveInventory', 'ScheduleShipment', 'OrderConfirmed']);
      const s = system;
      await waitFor(async () => (await s.services.notification.transaction((u) => u.state.get('notifications', id))) !== undefined);
      expect(await system.services.notification.transaction((u) => u.state.get('notifications', id))).toEqual({ kind: 'confirmed' });
      // Every message of the saga carries its correlation id; commands name their cause.
      const rows = await system.services.order.db.transaction((tx) => system!.services.order.outbox.all(tx));
      for (const row of rows.slice(1)) expect(row.message.headers['ce_correlationid']).toBe(id);
      // Each message names the exact message that caused it: a command the reply that came before.
      const idOf = async (service: keyof OrderSystem['services'], type: string): Promise<string | undefined> => (await idsOf(system!, service, type))[0];
      const causeOf = (type: string): string | undefined => rows.find((row) => row.type === M[type as keyof typeof M].type)?.message.headers['ce_causationid'];
      expect(causeOf('ProcessPayment')).toBe(await idOf('order', 'OrderCreated'));
      expect(causeOf('ReserveInventory')).toBe(await idOf('payment', 'PaymentCompleted'));
      expect(causeOf('ScheduleShipment')).toBe(await idOf('inventory', 'InventoryReserved'));
      expect(causeOf('OrderConfirmed')).toBe(await idOf('shipping', 'ShipmentScheduled'));
    });

    it('compensation path: stock missing -> payment refunded -> order cancelled', async () => {
      system = await startOrderSystem(factory);
      const id = crypto.randomUUID();
      system.behaviour.outOfStock.add(id);
      await system.placeOrder(id);
      await waitForState(system, id, 'COMPENSATED');
      const history = await engineOf(system).history(id);
      expect(history.map((h) => h.to)).toEqual(['PAYMENT_PENDING', 'INVENTORY_PENDING', 'COMPENSATING_PAYMENT', 'COMPENSATED']);
      expect(await typesOf(system, 'order')).toEqual(['OrderCreated', 'ProcessPayment', 'ReserveInventory', 'RefundPayment', 'OrderCancelled']);
      const payment = await system.services.payment.transaction((u) => u.state.get('payments', id));
      expect(payment).toMatchObject({ status: 'refunded', refunds: 1, charges: 1 });
      const s = system;
      await waitFor(async () => (await s.services.notification.transaction((u) => u.state.get('notifications', id))) !== undefined);
      expect(await system.services.notification.transaction((u) => u.state.get('notifications', id))).toEqual({ kind: 'cancelled', reason: 'out of stock' });
    });

    it('direct start: the saga begins in the transaction that places the order', async () => {
      system = await startOrderSystem(factory, { sagaStart: 'direct' });
      const id = await system.placeOrder();
      // Committed together with the order, before any message was delivered.
      expect(await engineOf(system).get(id)).toMatchObject({ state: 'PAYMENT_PENDING' });
      expect(system.services.order.consumer.topics).not.toContain('orders');
      await waitForState(system, id, 'COMPLETED');
      expect((await engineOf(system).history(id))[0]).toMatchObject({ event: 'start', messageType: undefined });
    });

    it('declined payment: nothing to undo, straight to COMPENSATED', async () => {
      system = await startOrderSystem(factory);
      const id = crypto.randomUUID();
      system.behaviour.declinePayment.add(id);
      await system.placeOrder(id);
      await waitForState(system, id, 'COMPENSATED');
      expect(await typesOf(system, 'order')).toEqual(['OrderCreated', 'ProcessPayment', 'OrderCancelled']);
    });

    it('timeout: retries the command per policy, then compensates the timed-out step itself (virtual clock)', async () => {
      const clock = new VirtualClock();
      system = await startOrderSystem(factory, { clock });
      const engine = engineOf(system);
      const id = crypto.randomUUID();
      system.behaviour.silentPayment.add(id);
      await system.placeOrder(id);
      await waitForState(system, id, 'PAYMENT_PENDING');
      expect(await fireDue(system, engine)).toBe(0); // nothing due before the deadline
      const sends = async (): Promise<number> => (await typesOf(system!, 'order')).filter((t) => t === 'ProcessPayment').length;
      for (const [attempt, backoff] of [[1, 200], [2, 400]] as const) {
        clock.advance(30_000);
        expect(await fireDue(system, engine)).toBe(1); // timeout: schedules the retry
        expect(await engine.get(id)).toMatchObject({ state: 'PAYMENT_PENDING', attempt, deadlineKind: 'retry' });
        clock.advance(backoff - 1);
        expect(await fireDue(system, engine)).toBe(0);
        clock.advance(1);
        expect(await fireDue(system, engine)).toBe(1); // sends again
        expect(await engine.get(id)).toMatchObject({ state: 'PAYMENT_PENDING', attempt: attempt + 1, deadlineKind: 'timeout' });
        expect(await sends()).toBe(attempt + 1);
      }
      clock.advance(30_000);
      expect(await fireDue(system, engine)).toBe(1); // third attempt timed out: compensate payment itself
      await waitForState(system, id, 'COMPENSATED');
      const history = await engine.history(id);
      expect(history.map((h) => `${h.event}:${h.to}`)).toEqual([
        'start:PAYMENT_PENDING',
        'timeout:PAYMENT_PENDING',
        'retry:PAYMENT_PENDING',
        'timeout:PAYMENT_PENDING',
        'retry:PAYMENT_PENDING',
        'timeout:COMPENSATING_PAYMENT',
        'reply:COMPENSATED',
      ]);
      expect(await typesOf(system, 'order')).toEqual(['OrderCreated', 'ProcessPayment', 'ProcessPayment', 'ProcessPayment', 'RefundPayment', 'OrderCancelled']);
      // The resends are the same message: a participant that has the first one does nothing twice.
      expect(new Set(await idsOf(system, 'order', 'ProcessPayment')).size).toBe(1);
      // The refund of a payment that never happened is a no-op at the participant (idempotent compensation).
      expect(await system.services.payment.transaction((u) => u.state.get('payments', id))).toEqual({ paymentId: '', status: 'nothing-to-refund' });
    });

    it('a command queued for a busy (or stopped) participant does not use up its attempts, for up to ten timeouts', async () => {
      const clock = new VirtualClock();
      system = await startOrderSystem(factory, { clock });
      const engine = engineOf(system);
      const id = crypto.randomUUID();
      await system.services.payment.stop();
      await system.placeOrder(id);
      await waitForState(system, id, 'PAYMENT_PENDING');
      const s = system;
      await waitFor(async () => ((await s.transport.backlog?.('payment', M.ProcessPayment.topic)) ?? 0) > 0, 5000, 'ProcessPayment queued for payment');
      for (let i = 1; i < 10; i++) {
        clock.advance(30_000);
        expect(await engine.fireDueTimeouts()).toBe(1);
        expect(await engine.get(id)).toMatchObject({ state: 'PAYMENT_PENDING', attempt: 1, deadlineKind: 'timeout' });
      }
      const waits = (await engine.history(id)).filter((h) => h.event === 'waiting');
      expect(waits).toHaveLength(9);
      expect(waits[0]?.note).toMatch(/payment has 1 message\(s\) to work through on payment-commands/);
      // Ten timeouts in a queue: the participant may be gone for good, and the timeout counts.
      clock.advance(30_000);
      expect(await engine.fireDueTimeouts()).toBe(1);
      expect(await engine.get(id)).toMatchObject({ state: 'PAYMENT_PENDING', attempt: 1, deadlineKind: 'retry' });
      // Back, it works through its queue and the order goes on.
      await system.services.payment.start();
      await waitForState(system, id, 'COMPLETED');
    });

    it('a command still in the orchestrator\'s outbox (the broker away) does not use up its attempts', async () => {
      const clock = new VirtualClock();
      // Started in the placing transaction, so the saga begins while nothing leaves the outbox.
      system = await startOrderSystem(factory, { clock, sagaStart: 'direct' });
      const engine = engineOf(system);
      const id = crypto.randomUUID();
      await system.services.order.relay.stop();
      await system.placeOrder(id);
      expect(await engine.get(id)).toMatchObject({ state: 'PAYMENT_PENDING' });
      for (let i = 0; i < 3; i++) {
        clock.advance(30_000);
        expect(await engine.fireDueTimeouts()).toBe(1);
        expect(await engine.get(id)).toMatchObject({ state: 'PAYMENT_PENDING', attempt: 1, deadlineKind: 'timeout' });
      }
      expect((await engine.history(id)).at(-1)).toMatchObject({ event: 'waiting', note: expect.stringMatching(/has not left this service's outbox/) });
      await system.services.order.relay.start();
      await waitForState(system, id, 'COMPLETED');
    });

    it('late replies after a timeout: success while compensating is merged and the compensation re-sent; after the end it is recorded and ignored', async () => {
      const clock = new VirtualClock();
      system = await startOrderSystem(factory, { clock });
      const engine = engineOf(system);
      const id = crypto.randomUUID();
      system.behaviour.silentShipping.add(id);
      await system.placeOrder(id);
      await waitForState(system, id, 'SHIPPING_PENDING');
      // Shipping has taken ScheduleShipment (and not answered). Freeze it so that the compensation
      // stays pending while we inject the late reply.
      await system.settle();
      await system.services.shipping.stop();
      clock.advance(60_000);
      expect(await fireDue(system, engine)).toBe(1); // shipping has one attempt: compensate it
      expect(await engine.get(id)).toMatchObject({ state: 'COMPENSATING_SHIPPING' });
      const deliver = async (type: keyof typeof M, data: Record<string, unknown>) => {
        const envelope = createEnvelope({ source: '/shipping', type: M[type].type, dataversion: 1, subject: id, data, correlationid: id });
        return system!.services.order.consumer.handle({ message: { topic: M[type].topic, key: id, ...toBinary(envelope) }, attempt: 1 });
      };
      expect(await deliver('ShipmentScheduled', { orderId: id, shipmentId: 'ship-late', carrier: 'post' })).toEqual({ kind: 'ack' });
      const saga = await engine.get(id);
      expect(saga).toMatchObject({ state: 'COMPENSATING_SHIPPING', data: { shipmentId: 'ship-late' } });
      const cancels = (await system.services.order.db.transaction((tx) => system!.services.order.outbox.all(tx))).filter((r) => r.type === M.CancelShipment.type);
      expect(cancels.map((r) => JSON.parse(r.message.body).shipmentId)).toEqual(['', 'ship-late']);
      await system.services.shipping.start();
      await waitForState(system, id, 'COMPENSATED');
      // A reply arriving after the saga ended changes nothing but is kept in the history.
      expect(await deliver('ShipmentScheduled', { orderId: id, shipmentId: 'ship-later', carrier: 'post' })).toEqual({ kind: 'ack' });
      const after = await engine.get(id);
      expect(after).toMatchObject({ state: 'COMPENSATED', data: { shipmentId: 'ship-late' } });
      const history = await engine.history(id);
      expect(history.filter((h) => h.event === 'late-reply' && h.messageType === M.ShipmentScheduled.type)).toMatchObject([{ from: 'COMPENSATED', to: 'COMPENSATED' }]);
      // The second CancelShipment got a second ShipmentCancelled: it arrives when the saga has moved on.
      expect(history.filter((h) => h.messageType === M.ShipmentCancelled.type).map((h) => h.event)).toEqual(['reply', expect.stringMatching(/^(ignored|late-reply)$/)]);
      expect(history.filter((h) => h.from !== h.to || h.event === 'reply').map((h) => `${h.event}:${h.to}`)).toEqual([
        'start:PAYMENT_PENDING',
        'reply:INVENTORY_PENDING',
        'reply:SHIPPING_PENDING',
        'timeout:COMPENSATING_SHIPPING',
        'reply:COMPENSATING_SHIPPING',
        'reply:COMPENSATING_INVENTORY',
        'reply:COMPENSATING_PAYMENT',
        'reply:COMPENSATED',
      ]);
    });

    it('a compensation that is never confirmed is sent again, with growing pauses, until it is; an operator can confirm it', async () => {
      const clock = new VirtualClock();
      system = await startOrderSystem(factory, { clock });
      const engine = engineOf(system);
      const id = crypto.randomUUID();
      system.behaviour.outOfStock.add(id);
      system.behaviour.silentRefund.add(id);
      await system.placeOrder(id);
      await waitForState(system, id, 'COMPENSATING_PAYMENT');
      for (const backoff of [200, 400]) {
        clock.advance(30_000);
        expect(await fireDue(system, engine)).toBe(1);
        clock.advance(backoff);
        expect(await fireDue(system, engine)).toBe(1);
      }
      // Its three attempts are used up: it does not give up, it pauses 60 s, then 120 s, ...
      for (const [attempt, pause] of [[4, 60_000], [5, 120_000], [6, 240_000]] as const) {
        clock.advance(attempt === 4 ? 30_000 : pause / 2);
        expect(await fireDue(system, engine)).toBe(1);
        expect(await engine.get(id)).toMatchObject({ state: 'COMPENSATING_PAYMENT', terminal: false, attempt, deadlineAt: clock.now() + pause });
      }
      // The first three sends are one message; past its attempts each send is a new one, so that a
      // participant that took the message and never answered (a bug since fixed) handles it again.
      const refunds = await idsOf(system, 'order', 'RefundPayment');
      expect(refunds).toHaveLength(6);
      expect(new Set(refunds.slice(0, 3)).size).toBe(1);
      expect(new Set(refunds).size).toBe(4);
      expect(await engine.list({ state: 'COMPENSATING_PAYMENT' })).toHaveLength(1);
      clock.advance(3_600_000);
      expect((await engine.stuck(60_000)).map((saga) => saga.id)).toEqual([id]);
      // An operator who refunded by hand says so: the saga goes on (payment was the first step: done).
      expect(await engine.confirmCompensation(id, 'refunded by hand, ticket OPS-1')).toBe(true);
      expect(await engine.get(id)).toMatchObject({ state: 'COMPENSATED', terminal: true, deadlineAt: undefined });
      expect((await engine.history(id)).at(-1)).toMatchObject({ event: 'operator', from: 'COMPENSATING_PAYMENT', to: 'COMPENSATED', note: expect.stringContaining('refunded by hand, ticket OPS-1') });
      expect(await engine.confirmCompensation(id, 'again')).toBe(false);
      expect(await fireDue(system, engine)).toBe(0);
    });

    it('a participant fixed while its compensation is retried answers the next send, and the saga ends COMPENSATED', async () => {
      const clock = new VirtualClock();
      system = await startOrderSystem(factory, { clock });
      const engine = engineOf(system);
      const id = crypto.randomUUID();
      system.behaviour.outOfStock.add(id);
      system.behaviour.silentRefund.add(id);
      await system.placeOrder(id);
      await waitForState(system, id, 'COMPENSATING_PAYMENT');
      for (const advance of [30_000, 200, 30_000, 400, 30_000]) {
        clock.advance(advance);
        expect(await fireDue(system, engine)).toBe(1);
      }
      // The fourth send (a new message) has been taken, and not answered, before the fix.
      await system.settle();
      system.behaviour.silentRefund.delete(id);
      clock.advance(60_000);
      expect(await fireDue(system, engine)).toBe(1);
      await waitForState(system, id, 'COMPENSATED');
    });

    it('the saga timer fires deadlines by itself (virtual clock, real timer)', async () => {
      const clock = new VirtualClock();
      system = await startOrderSystem(factory, { clock, sagaTimer: true });
      const id = crypto.randomUUID();
      system.behaviour.silentShipping.add(id);
      await system.placeOrder(id);
      await waitForState(system, id, 'SHIPPING_PENDING');
      expect(await engineOf(system).nextDeadline()).toBe(clock.now() + 60_000);
      // Shipping has taken ScheduleShipment (a command still queued would rightly postpone the timeout).
      await system.settle();
      clock.advance(60_000);
      await waitForState(system, id, 'COMPENSATED');
      expect(await typesOf(system, 'order')).toEqual([
        'OrderCreated', 'ProcessPayment', 'ReserveInventory', 'ScheduleShipment', 'CancelShipment', 'ReleaseInventory', 'RefundPayment', 'OrderCancelled',
      ]);
    });

    it('a saga whose deadline cannot be handled does not hold up the others', async () => {
      const clock = new VirtualClock();
      const poison = crypto.randomUUID();
      const [payment, ...rest] = orderSaga.steps;
      const steps = [
        {
          ...payment!,
          retry: { maxAttempts: 1, backoff: { initialMs: 0, multiplier: 1, maxMs: 0 } },
          compensation: {
            ...payment!.compensation!,
            command: {
              ...payment!.compensation!.command,
              build: (d: OrderSagaData) => {
                if (d.orderId === poison) throw new Error('cannot build RefundPayment');
                return payment!.compensation!.command.build(d);
              },
            },
          },
        },
        ...rest,
      ];
      system = await startOrderSystem(factory, { clock, saga: { ...orderSaga, steps, machine: machineFor(steps) } });
      const engine = engineOf(system);
      const healthy = crypto.randomUUID();
      for (const id of [poison, healthy]) {
        system.behaviour.silentPayment.add(id);
        await system.placeOrder(id);
        await waitForState(system, id, 'PAYMENT_PENDING');
      }
      clock.advance(30_000);
      expect(await fireDue(system, engine)).toBe(1);
      expect(await engine.get(healthy)).toMatchObject({ state: 'COMPENSATING_PAYMENT' });
      const stuck = await engine.get(poison);
      expect(stuck).toMatchObject({ state: 'PAYMENT_PENDING', deadlineAt: clock.now() + 5_000 });
      expect(await fireDue(system, engine)).toBe(0); // postponed, not retried in a tight loop
    });

    it('a duplicate reply in a later state is recorded as ignored', async () => {
      system = await startOrderSystem(factory);
      const id = crypto.randomUUID();
      system.behaviour.silentShipping.add(id);
      await system.placeOrder(id);
      await waitForState(system, id, 'SHIPPING_PENDING');
      const envelope = createEnvelope({ source: '/payment', type: M.PaymentCompleted.type, dataversion: 1, subject: id, data: { orderId: id, paymentId: 'other', amount: { amount: 1, currency: 'EUR' } } });
      await system.services.order.consumer.handle({ message: { topic: 'payments', key: id, ...toBinary(envelope) }, attempt: 1 });
      const saga = await engineOf(system).get(id);
      expect(saga?.state).toBe('SHIPPING_PENDING');
      expect(saga?.data.paymentId).not.toBe('other');
      expect((await engineOf(system).history(id)).at(-1)).toMatchObject({ event: 'ignored', from: 'SHIPPING_PENDING' });
    });

    it('lists sagas by state and finds stuck ones', async () => {
      const clock = new VirtualClock();
      system = await startOrderSystem(factory, { clock });
      const engine = engineOf(system);
      const stuckId = crypto.randomUUID();
      system.behaviour.silentPayment.add(stuckId);
      const doneId = await system.placeOrder();
      await system.placeOrder(stuckId);
      await waitForState(system, doneId, 'COMPLETED');
      await waitForState(system, stuckId, 'PAYMENT_PENDING');
      expect((await engine.list({ state: 'COMPLETED' })).map((s) => s.id)).toEqual([doneId]);
      expect(await engine.stuck(5 * 60_000)).toEqual([]);
      clock.advance(5 * 60_000 + 1);
      expect((await engine.stuck(5 * 60_000)).map((s) => s.id)).toEqual([stuckId]);
      expect(await engine.countByState()).toEqual({ COMPLETED: 1, PAYMENT_PENDING: 1 });
    });

    it('a saga start is idempotent and sagas survive a restart of the service', async () => {
      system = await startOrderSystem(factory);
      const id = crypto.randomUUID();
      system.behaviour.silentPayment.add(id);
      await system.placeOrder(id);
      await waitForState(system, id, 'PAYMENT_PENDING');
      const again = await system.services.order.transaction((uow) => engineOf(system!).start(uow, { orderId: id, customerId: 'c', items: [], total: { amount: 1, currency: 'EUR' } }));
      expect(again).toBe(false);
      expect((await typesOf(system, 'order')).filter((t) => t === 'ProcessPayment')).toHaveLength(1);
      await system.services.order.stop();
      system.behaviour.silentPayment.delete(id);
      await system.services.order.start();
      // The command is sent again by hand (as the timer would after the deadline).
      await system.services.order.transaction(async (uow) => {
        await uow.publish({ type: M.ProcessPayment.type, topic: M.ProcessPayment.topic, key: id, dataversion: 1, data: { orderId: id, customerId: 'c', amount: { amount: 1, currency: 'EUR' } }, correlationid: id });
      });
      await waitForState(system, id, 'COMPLETED');
    });
  });

  describe.skipIf(!factory.available)(`saga optimistic concurrency on ${factory.name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });
    /** A migrated Db holding one saga, `sagaRow(id)`. */
    const dbWithSaga = async (id: string) => {
      const created = await factory.create();
      cleanup = created.cleanup;
      await migrate(created.db);
      await created.db.transaction((tx) => insertSaga(tx, sagaRow(id)));
      return created.db;
    };

    it('a save with a stale version fails with ConcurrencyConflict', async () => {
      const db = await dbWithSaga('x');
      const stale = await db.transaction((tx) => loadSaga<{ n: number }>(tx, 'S', 'x'));
      await db.transaction((tx) => saveSaga(tx, { ...stale!, version: 2, data: { n: 1 } }));
      await expect(db.transaction((tx) => saveSaga(tx, { ...stale!, version: 2, data: { n: 2 } }))).rejects.toBeInstanceOf(ConcurrencyConflict);
      expect((await db.transaction((tx) => loadSaga<{ n: number }>(tx, 'S', 'x')))?.data).toEqual({ n: 1 });
    });

    it('read-modify-writes of one saga read locked never conflict: concurrent ones wait for each other', async () => {
      const db = await dbWithSaga('y');
      const increments = Array.from({ length: 20 }, () =>
        db.transaction(async (tx) => {
          const saga = await loadSaga<{ n: number }>(tx, 'S', 'y', { lock: true });
          await saveSaga(tx, { ...saga!, version: saga!.version + 1, data: { n: saga!.data.n + 1 } });
        }),
      );
      await Promise.all(increments);
      const saga = await db.transaction((tx) => loadSaga<{ n: number }>(tx, 'S', 'y'));
      expect(saga?.data).toEqual({ n: 20 });
      expect(saga?.version).toBe(21);
    });
  });
}

describe.skipIf(!dbFactories[1]!.available)('saga concurrency on postgres', () => {
  it('two replies racing for one saga: one wins, the other conflicts and is retried as a no-op', async () => {
    const system = await startOrderSystem(dbFactories[1]!);
    try {
      const id = crypto.randomUUID();
      system.behaviour.silentPayment.add(id);
      await system.placeOrder(id);
      const engine = system.services.order.saga<OrderSagaData>('OrderSaga');
      await waitFor(async () => (await engine.get(id))?.state === 'PAYMENT_PENDING');
      await system.services.inventory.stop();
      const deliveries = ['a', 'b', 'c', 'd'].map((p) => {
        const envelope = createEnvelope({ source: '/payment', type: M.PaymentCompleted.type, dataversion: 1, subject: id, data: { orderId: id, paymentId: p, amount: { amount: 1, currency: 'EUR' } } });
        return { message: { topic: 'payments', key: id, ...toBinary(envelope) }, attempt: 1 };
      });
      const outcomes = await Promise.all(deliveries.map((d) => system.services.order.consumer.handle(d)));
      // Redeliver the ones told to retry (as the transport would).
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.kind === 'retry') expect(await system.services.order.consumer.handle({ ...deliveries[i]!, attempt: 2 })).toEqual({ kind: 'ack' });
        else expect(outcome).toEqual({ kind: 'ack' });
      }
      const reserve = (await system.services.order.db.transaction((tx) => system.services.order.outbox.all(tx))).filter((r) => r.type === M.ReserveInventory.type);
      expect(reserve).toHaveLength(1);
      const history = await engine.history(id);
      expect(history.filter((h) => h.event === 'reply')).toHaveLength(1);
      expect(history.filter((h) => h.event === 'ignored')).toHaveLength(3);
    } finally {
      await system.stop();
    }
  });
});

describe.skipIf(!dbFactories[1]!.available)('two orchestrator instances on one PostgreSQL schema', () => {
  it('share the saga timer: every deadline is handled once', async () => {
    const { createServiceRuntime } = await import('../../src/runtime/service.js');
    const { silentLogger } = await import('../../src/runtime/logger.js');
    const { newOrder } = await import('./fixtures/order-system.js');
    const created = await dbFactories[1]!.create();
    const clock = new VirtualClock();
    try {
      await migrate(created.db);
      const dbs = [created.db, await created.reopen()];
      const transport = new (await import('../../src/runtime/transports/in-process.js')).InProcessTransport();
      // Retention keeps the published rows for counting; drained, no command waits in the outbox.
      const runtimes = dbs.map((db) => createServiceRuntime({ name: 'order', db, transport, sagas: [orderSaga], logger: silentLogger(), clock, relay: { outboxRetentionMs: 3_600_000 } }));
      const engines = runtimes.map((r) => r.saga<OrderSagaData>('OrderSaga'));
      const ids = Array.from({ length: 20 }, () => crypto.randomUUID());
      for (const id of ids) await runtimes[0]!.transaction((uow) => engines[0]!.start(uow, newOrder(id)));
      await runtimes[0]!.relay.drain();
      const both = async (): Promise<number> => (await Promise.all(engines.map((e) => e.fireDueTimeouts()))).reduce((a, b) => a + b, 0);
      clock.advance(30_000);
      expect(await both()).toBe(20); // timeouts: each saga once, whichever instance took it
      clock.advance(200);
      expect(await both()).toBe(20); // retries
      const sends = (await runtimes[0]!.db.transaction((tx) => runtimes[0]!.outbox.all(tx))).filter((r) => r.type === M.ProcessPayment.type);
      expect(sends).toHaveLength(40);
      for (const id of ids) {
        expect((await engines[1]!.history(id)).map((h) => h.event)).toEqual(['start', 'timeout', 'retry']);
      }
      await transport.close();
    } finally {
      await created.cleanup();
    }
  });
});
