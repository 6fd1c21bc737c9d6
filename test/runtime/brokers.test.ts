// The OrderSaga end to end over real brokers (NATS JetStream on 127.0.0.1:4222, Kafka on
// 127.0.0.1:9092), each service with its own SQLite file: the runtime's outbox, inbox, consumer and
// saga engine against the broker transports, not just the in-process one.
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteFactory, waitFor } from './helpers.js';
import { startOrderSystem, type OrderSystem } from './fixtures/order-system.js';
import type { OrderSagaData } from './fixtures/order-saga.js';
import { deadLetterTopic, type Delivery, type SubscribeOptions, type Subscription, type Transport, type TransportMessage } from '../../src/runtime/transport.js';

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function absent(what: string, port: number, howToStart: string): Promise<boolean> {
  if (await reachable(port)) return false;
  const reason = `${what} is not reachable on 127.0.0.1:${port} (${howToStart})`;
  if (process.env['CI'] === 'true') throw new Error(`${reason}; CI=true: a missing broker fails the run`);
  console.warn(`skipping runtime-over-${what} tests: ${reason}`);
  return true;
}

/** Gives every topic and group of one test run a prefix, so runs never see each other's messages. */
class PrefixedTransport implements Transport {
  readonly topics = new Set<string>();
  readonly groups = new Set<string>();
  constructor(
    readonly inner: Transport,
    private readonly prefix: string,
  ) {}
  get name(): string {
    return this.inner.name;
  }
  private topic(name: string): string {
    const prefixed = `${this.prefix}${name}`;
    this.topics.add(prefixed);
    return prefixed;
  }
  ensureTopics(topics: readonly string[]): Promise<void> {
    return this.inner.ensureTopics(topics.map((t) => this.topic(t)));
  }
  publish(messages: readonly TransportMessage[]): Promise<void> {
    return this.inner.publish(messages.map((m) => ({ ...m, topic: this.topic(m.topic) })));
  }
  subscribe(options: SubscribeOptions): Promise<Subscription> {
    const group = `${this.prefix}${options.group}`;
    this.groups.add(group);
    return this.inner.subscribe({
      group,
      topics: options.topics.map((t) => this.topic(t)),
      handle: (delivery: Delivery) => options.handle({ ...delivery, message: { ...delivery.message, topic: delivery.message.topic.slice(this.prefix.length) } }),
    });
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const run = Math.random().toString(36).slice(2, 8);

const brokers = [
  {
    name: 'nats',
    skip: await absent('NATS JetStream', 4222, 'nats-server -js -a 127.0.0.1 -p 4222'),
    async create(): Promise<Transport> {
      const { createNatsTransport } = await import('../../src/runtime/transports/nats.js');
      return createNatsTransport({ servers: 'nats://127.0.0.1:4222', name: `edasaga-runtime-test-${run}`, ackWaitMs: 5000 });
    },
    async drop(topics: readonly string[]): Promise<void> {
      const { natsStreamName } = await import('../../src/runtime/transports/nats.js');
      const nats = (await import('nats')).default;
      const connection = await nats.connect({ servers: 'nats://127.0.0.1:4222' });
      try {
        const manager = await connection.jetstreamManager();
        for (const topic of topics.flatMap((t) => [t, deadLetterTopic(t)])) await manager.streams.delete(natsStreamName(topic)).catch(() => false);
      } finally {
        await connection.close();
      }
    },
  },
  {
    name: 'kafka',
    skip: await absent('Kafka', 9092, 'bash scripts/kafka.sh start'),
    async create(): Promise<Transport> {
      const { createKafkaTransport } = await import('../../src/runtime/transports/kafka.js');
      return createKafkaTransport({ brokers: ['127.0.0.1:9092'], clientId: `edasaga-runtime-test-${run}`, partitions: 2, fromBeginning: true, logLevel: 'nothing' });
    },
    async drop(topics: readonly string[], groups: readonly string[]): Promise<void> {
      const { Kafka } = (await import('kafkajs')).default;
      const admin = new Kafka({ brokers: ['127.0.0.1:9092'], clientId: `edasaga-runtime-test-${run}-admin`, logLevel: 0 }).admin();
      await admin.connect();
      try {
        await admin.deleteGroups([...groups]).catch(() => undefined);
        const existing = new Set(await admin.listTopics());
        const doomed = topics.flatMap((t) => [t, deadLetterTopic(t)]).filter((t) => existing.has(t));
        if (doomed.length > 0) await admin.deleteTopics({ topics: doomed }).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
    },
  },
];

for (const broker of brokers) {
  describe.skipIf(broker.skip)(`OrderSaga over ${broker.name}`, () => {
    let system: OrderSystem | undefined;
    let transport: PrefixedTransport | undefined;
    afterAll(async () => {
      await system?.stop();
      if (transport !== undefined) await broker.drop([...transport.topics], [...transport.groups]);
    });

    it('completes, compensates and declines orders, with one effect per message', async () => {
      transport = new PrefixedTransport(await broker.create(), `rt${run}-`);
      system = await startOrderSystem(sqliteFactory, { transport, consumerBackoffMs: 20 });
      const s = system;
      const engine = s.services.order.saga<OrderSagaData>('OrderSaga');
      const ok = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
      const outOfStock = crypto.randomUUID();
      const declined = crypto.randomUUID();
      s.behaviour.outOfStock.add(outOfStock);
      s.behaviour.declinePayment.add(declined);
      for (const id of [...ok, outOfStock, declined]) await s.placeOrder(id);
      const stateOf = async (id: string) => (await engine.get(id))?.state;
      await waitFor(async () => {
        const states = await Promise.all([...ok, outOfStock, declined].map(stateOf));
        return states.every((state) => state === 'COMPLETED' || state === 'COMPENSATED');
      }, 60_000, 'every saga finished');
      for (const id of ok) expect(await stateOf(id)).toBe('COMPLETED');
      expect(await stateOf(outOfStock)).toBe('COMPENSATED');
      expect(await stateOf(declined)).toBe('COMPENSATED');
      expect(await s.services.payment.transaction((u) => u.state.get('payments', outOfStock))).toMatchObject({ status: 'refunded', refunds: 1, charges: 1 });
      await waitFor(async () => (await s.services.notification.transaction((u) => u.state.list('notifications'))).length === 5, 30_000, 'notifications');
      for (const service of Object.values(s.services)) expect(await service.deadLetters()).toEqual([]);
    });
  });
}
