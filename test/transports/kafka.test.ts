// The transport contract against a real Kafka broker (scripts/kafka.sh start).
import { describe } from 'vitest';
import { deadLetterTopic, type Transport } from '../../src/runtime/transport.js';
import { createKafkaTransport, type KafkaTransportOptions } from '../../src/runtime/transports/kafka.js';
import { skipUnlessReachable } from './broker-reachable.js';
import { transportContract } from './contract.js';
import { deliveryCapTest } from './delivery-cap.js';

export const KAFKA_TEST_OPTIONS: KafkaTransportOptions = {
  brokers: ['127.0.0.1:9092'],
  clientId: 'edasaga-test',
  logLevel: 'nothing',
  // Short group timings: members join and leave many times in this suite.
  sessionTimeoutMs: 6000,
  rebalanceTimeoutMs: 6000,
  heartbeatIntervalMs: 500,
};

const skip = await skipUnlessReachable('Kafka', '127.0.0.1', 9092, 'scripts/kafka.sh start');

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

describe.skipIf(skip)('kafka transport', () => {
  transportContract({
    name: 'kafka',
    create: () => createKafkaTransport(KAFKA_TEST_OPTIONS),
    dropTopics: dropKafkaTopics,
    retryHoldsOnlyItsKey: false,
    waitMs: 30_000,
  });
});

describe.skipIf(skip)('kafka transport: delivery cap', () => {
  deliveryCapTest((maxDeliveries) => createKafkaTransport({ ...KAFKA_TEST_OPTIONS, maxDeliveries }), dropKafkaTopics, 30_000);
});
