// The brokers the transport tests and the runtime's broker tests talk to (127.0.0.1), and how they
// remove what a test created. Kept out of the *.test.ts files, which another test cannot import
// without running their suites too.
import { deadLetterTopic, type Transport } from '../../src/runtime/transport.js';
import { natsStreamName, type NatsTransportOptions } from '../../src/runtime/transports/nats.js';
import type { KafkaTransportOptions } from '../../src/runtime/transports/kafka.js';

export const KAFKA_TEST_OPTIONS: KafkaTransportOptions = {
  brokers: ['127.0.0.1:9092'],
  clientId: 'edasaga-test',
  logLevel: 'nothing',
  // Short group timings: members join and leave many times in this suite.
  sessionTimeoutMs: 6000,
  rebalanceTimeoutMs: 6000,
  heartbeatIntervalMs: 500,
};

/** Deletes topics and groups through a separate admin client (the transport has no delete operation). */
export async function dropKafkaTopics(_transport: Transport, topics: readonly string[], groups: readonly string[]): Promise<void> {
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const admin = new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.flatMap((t) => [t, deadLetterTopic(t)]).filter((t) => existing.has(t));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 10_000 });
    const known = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
    const emptied = groups.filter((g) => known.has(g));
    if (emptied.length > 0) await admin.deleteGroups(emptied);
  } finally {
    await admin.disconnect();
  }
}

export const NATS_URL = 'nats://127.0.0.1:4222';

export const NATS_TEST_OPTIONS: NatsTransportOptions = {
  servers: NATS_URL,
  name: 'edasaga-test',
  // Short enough that a message lost in transit on close comes back within the test's wait.
  ackWaitMs: 5000,
};

/** Deletes the streams (their consumers go with them) over a connection of its own. */
export async function dropNatsStreams(_transport: Transport, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  const nats = (await import('nats')).default;
  const connection = await nats.connect({ servers: NATS_URL });
  try {
    const manager = await connection.jetstreamManager();
    for (const topic of topics.flatMap((t) => [t, deadLetterTopic(t)])) {
      await manager.streams.delete(natsStreamName(topic)).catch(() => false);
    }
  } finally {
    await connection.close();
  }
}

