// One order through the five services yields ONE trace: the request's span, then for every hop the
// outbox write (`create`, PRODUCER), the consumer's `process` (CONSUMER, child of the message's
// creation context and linking it) and the saga's transitions, down to the notification of the
// confirmation; the relay's `send` spans (CLIENT) are roots of their own and link the creation
// contexts they published. Recorded by the official SDK's in-memory exporter.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { dbFactories, waitFor } from './helpers.js';
import { startOrderSystem, type OrderSystem } from './fixtures/order-system.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import { formatTraceparent, parseTraceparent, remoteContext } from '../../src/runtime/observability/trace-context.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
// As startTracing does: the global provider, AsyncLocalStorage context, W3C propagation.
provider.register();
afterAll(() => provider.shutdown());

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
const ms = (span: ReadableSpan): string => `${span.name} [${SpanKind[span.kind]}]`;

/** The span's ancestors, root first, the span last. */
function chain(spans: readonly ReadableSpan[], last: ReadableSpan): ReadableSpan[] {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const path = [last];
  for (let parent = parentOf(last); parent !== undefined; parent = parentOf(path[0]!)) {
    const span = byId.get(parent);
    if (span === undefined) throw new Error(`parent ${parent} of ${path[0]!.name} is not among the spans`);
    path.unshift(span);
  }
  return path;
}

async function placeTracedOrder(system: OrderSystem, orderId: string): Promise<string> {
  const request = provider.getTracer('test').startSpan('POST /orders', { kind: SpanKind.SERVER });
  await context.with(trace.setSpan(context.active(), request), () => system.placeOrder(orderId));
  request.end();
  return request.spanContext().traceId;
}

describe('W3C traceparent', () => {
  it('round-trips and rejects what the format forbids', () => {
    const sc = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
    expect(formatTraceparent(sc)).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'a=b')).toMatchObject({ ...sc, isRemote: true });
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'a=b')?.traceState?.get('a')).toBe('b');
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra')?.traceFlags).toBe(0);
    for (const bad of ['', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01']) {
      expect(parseTraceparent(bad), bad).toBeUndefined();
    }
    expect(remoteContext(undefined)).toBeUndefined();
  });
});

/** The path of one order, with a `create` span before every `process` when createSpans is on. */
function expectedPath(createSpans: boolean): string[] {
  const hops: [string, string | undefined][] = [
    ['orders', undefined],
    ['payment-commands', 'OrderSaga STARTED -> PAYMENT_PENDING'],
    ['payments', undefined],
    ['inventory-commands', 'OrderSaga PAYMENT_PENDING -> INVENTORY_PENDING'],
    ['inventory', undefined],
    ['shipping-commands', 'OrderSaga INVENTORY_PENDING -> SHIPPING_PENDING'],
    ['shipping', undefined],
    ['orders', 'OrderSaga SHIPPING_PENDING -> COMPLETED'],
  ];
  const path = ['POST /orders [SERVER]', 'order transaction [INTERNAL]'];
  for (const [topic, transition] of hops) {
    if (transition !== undefined) path.push(`${transition} [INTERNAL]`);
    if (createSpans) path.push(`create ${topic} [PRODUCER]`);
    path.push(`process ${topic} [CONSUMER]`);
  }
  return path;
}

for (const factory of dbFactories) {
  for (const createSpans of [false, true]) {
  describe.skipIf(!factory.available)(`tracing one order (${factory.name}${createSpans ? ', a create span per message' : ''})`, () => {
    let system: OrderSystem;
    const clock = new VirtualClock(Date.now());
    beforeAll(async () => {
      system = await startOrderSystem(factory, { clock, observe: { tracing: { createSpans } } });
    });
    afterAll(() => system?.stop());

    it('is one trace from the request to the notification, with the conventions\' parents and links', async () => {
      exporter.reset();
      const orderId = randomUUID();
      const traceId = await placeTracedOrder(system, orderId);
      await waitFor(async () => (await system.services.order.saga('OrderSaga').get(orderId))?.state === 'COMPLETED', 10_000, 'the saga to complete');
      await waitFor(async () => (await system.services.notification.db.transaction((tx) => tx.query("SELECT 1 FROM edasaga_documents WHERE collection = 'notifications' AND id = ?", [orderId]))).length === 1, 10_000, 'the notification');
      await system.settle();
      const spans = exporter.getFinishedSpans();
      const ours = spans.filter((span) => span.spanContext().traceId === traceId);
      // Every messaging span of the order is in its trace (nothing started a trace of its own).
      const conversation = spans.filter((span) => span.attributes['messaging.message.conversation_id'] === orderId);
      expect(conversation.length).toBeGreaterThan(0);
      expect(conversation.filter((span) => span.spanContext().traceId !== traceId && span.kind !== SpanKind.CLIENT).map(ms)).toEqual([]);

      const last = ours.find((span) => span.kind === SpanKind.CONSUMER && span.attributes['messaging.consumer.group.name'] === 'notification');
      expect(last, 'the notification service processed OrderConfirmed in the trace').toBeDefined();
      expect(chain(ours, last!).map(ms)).toEqual(expectedPath(createSpans));
      expect(ours.some((span) => span.kind === SpanKind.PRODUCER)).toBe(createSpans);
      const path = chain(ours, last!);
      // The services along the way, in order.
      expect(path.filter((span) => span.kind === SpanKind.CONSUMER).map((span) => span.attributes['messaging.consumer.group.name'])).toEqual(['order', 'payment', 'order', 'inventory', 'order', 'shipping', 'order', 'notification']);

      for (const span of ours.filter((s) => s.kind === SpanKind.CONSUMER)) {
        // A child of the message's creation context, and linked to it.
        expect(span.links.map((link) => link.context.spanId)).toEqual([parentOf(span)]);
        if (createSpans) expect(ours.find((s) => s.spanContext().spanId === parentOf(span))?.kind).toBe(SpanKind.PRODUCER);
        expect(span.attributes).toMatchObject({
          'messaging.system': 'in-process',
          'messaging.operation.type': 'process',
          'messaging.destination.name': span.name.slice('process '.length),
          'messaging.message.conversation_id': orderId,
          'edasaga.outcome': 'ok',
        });
        expect(span.attributes['messaging.message.id']).toMatch(/^[0-9a-f-]{36}$/);
      }
      const transition = path.find((span) => span.name.startsWith('OrderSaga PAYMENT_PENDING'))!;
      expect(transition.attributes).toMatchObject({ 'edasaga.saga.type': 'OrderSaga', 'edasaga.saga.id': orderId, 'edasaga.saga.from': 'PAYMENT_PENDING', 'edasaga.saga.to': 'INVENTORY_PENDING', 'edasaga.saga.event': 'reply' });

      // Every creation context was published by a relay `send` span: a root, linking it.
      const sends = spans.filter((span) => span.kind === SpanKind.CLIENT);
      for (const processed of ours.filter((span) => span.kind === SpanKind.CONSUMER)) {
        const by = sends.find((send) => send.links.some((link) => link.context.spanId === parentOf(processed)));
        expect(by, `a send span links the creation context of ${processed.name}`).toBeDefined();
        expect(parentOf(by!)).toBeUndefined();
        expect(by!.spanContext().traceId).not.toBe(traceId);
        expect(by!.attributes['messaging.operation.type']).toBe('send');
      }
    });

    it('keeps the trace context with the outbox row and the saga row', async () => {
      exporter.reset();
      system.behaviour.silentPayment.add('quiet-' + factory.name);
      const orderId = 'quiet-' + factory.name;
      const traceId = await placeTracedOrder(system, orderId);
      await waitFor(async () => (await system.services.order.saga('OrderSaga').get(orderId))?.state === 'PAYMENT_PENDING', 10_000, 'the payment step');
      await system.settle();
      const saga = await system.services.order.saga('OrderSaga').get(orderId);
      expect(parseTraceparent(saga?.trace)?.traceId).toBe(traceId);
      const rows = await system.services.order.db.transaction((tx) => system.services.order.outbox.all(tx));
      const created = rows.find((row) => row.type.endsWith('OrderCreated') && row.key === orderId)!;
      expect(parseTraceparent(created.message.headers['ce_traceparent'])?.traceId).toBe(traceId);

      // The timer continues the saga's trace: the timeout, then the resend of the command.
      clock.advance(31_000);
      await system.services.order.saga('OrderSaga').fireDueTimeouts();
      clock.advance(1_000);
      await system.services.order.saga('OrderSaga').fireDueTimeouts();
      await system.settle();
      const names = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId).map((span) => span.name);
      expect(names).toContain('OrderSaga PAYMENT_PENDING timeout');
      expect(names).toContain('OrderSaga PAYMENT_PENDING retry');
      expect(names.filter((name) => name === 'process payment-commands')).toHaveLength(2);
    });
  });
  }
}

describe('the active context in handlers', () => {
  for (const activeContext of [false, true]) {
    it(`is the process span ${activeContext ? 'with' : 'only as ctx.trace without'} activeContext`, async () => {
      const { sqliteFactory } = await import('./helpers.js');
      const { InProcessTransport } = await import('../../src/runtime/transports/in-process.js');
      const { createServiceRuntime } = await import('../../src/runtime/service.js');
      const { handler } = await import('../../src/runtime/context.js');
      const { silentLogger } = await import('../../src/runtime/logger.js');
      const created = await sqliteFactory.create();
      const transport = new InProcessTransport();
      const seen: { active: string | undefined; own: string | undefined }[] = [];
      const runtime = createServiceRuntime({
        name: 'echo',
        db: created.db,
        transport,
        logger: silentLogger(),
        tracing: { activeContext },
        handlers: [handler({ type: 'com.example.Ping', topic: 'pings', handler: async (_m, ctx) => void seen.push({ active: trace.getActiveSpan()?.spanContext().spanId, own: ctx.trace === undefined ? undefined : trace.getSpan(ctx.trace)?.spanContext().spanId }) })],
      });
      try {
        await runtime.start();
        await runtime.transaction((uow) => uow.publish({ type: 'com.example.Ping', topic: 'pings', key: 'k', dataversion: 1, data: {} }));
        await waitFor(() => seen.length === 1, 5000, 'the ping');
        const processed = exporter.getFinishedSpans().find((span) => span.name === 'process pings' && span.spanContext().spanId === seen[0]!.own);
        expect(processed, 'ctx.trace is the process span').toBeDefined();
        expect(seen[0]!.active).toBe(activeContext ? seen[0]!.own : undefined);
      } finally {
        await runtime.stop();
        await transport.close();
        await created.cleanup();
      }
    });
  }
});
