// The transport contract against a real NATS JetStream server (127.0.0.1:4222).
import { describe } from 'vitest';
import { deadLetterTopic, type Transport } from '../../src/runtime/transport.js';
import { createNatsTransport, natsStreamName, type NatsTransportOptions } from '../../src/runtime/transports/nats.js';
import { skipUnlessReachable } from './broker-reachable.js';
import { transportContract } from './contract.js';
import { deliveryCapTest } from './delivery-cap.js';

const URL = 'nats://127.0.0.1:4222';

export const NATS_TEST_OPTIONS: NatsTransportOptions = {
  servers: URL,
  name: 'edasaga-test',
  // Short enough that a message lost in transit on close comes back within the test's wait.
  ackWaitMs: 5000,
};

const skip = await skipUnlessReachable(
  'NATS JetStream',
  '127.0.0.1',
  4222,
  'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log',
);

/** Deletes the streams (their consumers go with them) over a connection of its own. */
export async function dropNatsStreams(_transport: Transport, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  const nats = (await import('nats')).default;
  const connection = await nats.connect({ servers: URL });
  try {
    const manager = await connection.jetstreamManager();
    for (const topic of topics.flatMap((t) => [t, deadLetterTopic(t)])) {
      await manager.streams.delete(natsStreamName(topic)).catch(() => false);
    }
  } finally {
    await connection.close();
  }
}

describe.skipIf(skip)('nats transport', () => {
  transportContract({
    name: 'nats',
    create: () => createNatsTransport(NATS_TEST_OPTIONS),
    dropTopics: dropNatsStreams,
    retryHoldsOnlyItsKey: true,
    waitMs: 30_000,
  });
});

describe.skipIf(skip)('nats transport: delivery cap', () => {
  deliveryCapTest((maxDeliveries) => createNatsTransport({ ...NATS_TEST_OPTIONS, maxDeliveries }), dropNatsStreams, 30_000);
});
