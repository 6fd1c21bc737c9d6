// The trace context survives a real broker: a unit of work on one runtime publishes through its
// outbox and relay to NATS / Kafka, another runtime's consumer takes it, and its `process` span is
// a child of the publisher's unit of work (its creation context: same trace), the context having
// travelled as the `ce_traceparent` / `ce_tracestate` headers.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SpanKind, context, createTraceState, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Transport } from '../../src/runtime/transport.js';
import { createKafkaTransport } from '../../src/runtime/transports/kafka.js';
import { createNatsTransport } from '../../src/runtime/transports/nats.js';
import { createServiceRuntime, type ServiceRuntime } from '../../src/runtime/service.js';
import { handler } from '../../src/runtime/context.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { sqliteFactory } from '../runtime/helpers.js';
import { skipUnlessReachable } from './broker-reachable.js';
import { dropKafkaTopics, dropNatsStreams, KAFKA_TEST_OPTIONS, NATS_TEST_OPTIONS } from './brokers.js';
import { waitFor } from './contract.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
afterAll(() => provider.shutdown());

const brokers = [
  { name: 'nats', skip: await skipUnlessReachable('NATS JetStream', '127.0.0.1', 4222, 'see test/transports/nats.test.ts'), create: () => createNatsTransport(NATS_TEST_OPTIONS), drop: dropNatsStreams },
  { name: 'kafka', skip: await skipUnlessReachable('Kafka', '127.0.0.1', 9092, 'scripts/kafka.sh start'), create: () => createKafkaTransport(KAFKA_TEST_OPTIONS), drop: dropKafkaTopics },
];

for (const broker of brokers) {
  describe.skipIf(broker.skip)(`trace context over ${broker.name}`, () => {
    const run = randomUUID().slice(0, 8);
    const topic = `trace-${run}`;
    const cleanups: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    });

    it('arrives as ce_traceparent / ce_tracestate and parents the consumer\'s process span', async () => {
      const transport: Transport = await broker.create();
      cleanups.push(() => transport.close(), () => broker.drop(transport, [topic], [`reader-${run}`]));
      const received: { traceparent: string | undefined; tracestate: string | undefined }[] = [];
      const runtime = async (name: string, handlers: Parameters<typeof createServiceRuntime>[0]['handlers']): Promise<ServiceRuntime> => {
        const created = await sqliteFactory.create();
        const service = createServiceRuntime({ name, db: created.db, transport, handlers: handlers ?? [], logger: silentLogger(), relay: { pollIntervalMs: 100 } });
        cleanups.push(created.cleanup, () => service.stop());
        await service.start();
        return service;
      };
      await runtime(`reader-${run}`, [
        handler({
          type: 'com.example.trace.Ping',
          topic,
          handler: async (_message, ctx) => {
            received.push({ traceparent: ctx.envelope.traceparent, tracestate: ctx.envelope.tracestate });
          },
        }),
      ]);
      const writer = await runtime(`writer-${run}`, []);
      // The request's context carries a tracestate entry: it must travel too.
      const request = provider.getTracer('test').startSpan('POST /ping', { kind: SpanKind.SERVER });
      const parent = trace.setSpanContext(context.active(), { ...request.spanContext(), traceState: createTraceState('vendor=42') });
      await context.with(parent, () => writer.transaction((uow) => uow.publish({ type: 'com.example.trace.Ping', topic, key: 'k1', dataversion: 1, data: { n: 1 } })));
      request.end();
      await waitFor('the ping to be handled', () => received.length === 1, 30_000);

      const traceId = request.spanContext().traceId;
      const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
      const created = spans.find((span) => span.name === `writer-${run} transaction`);
      const processed = spans.find((span) => span.kind === SpanKind.CONSUMER && span.name === `process ${topic}`);
      expect(created, 'the unit of work\'s span').toBeDefined();
      expect(processed, 'the process span, in the same trace').toBeDefined();
      expect(processed!.parentSpanContext?.spanId).toBe(created!.spanContext().spanId);
      expect(processed!.parentSpanContext?.isRemote).toBe(true);
      expect(processed!.attributes['messaging.system']).toBe(broker.name);
      expect(received[0]).toEqual({ traceparent: `00-${traceId}-${created!.spanContext().spanId}-01`, tracestate: 'vendor=42' });
    });
  });
}
