// The transport contract against a real Kafka broker (scripts/kafka.sh start).
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { Transport } from '../../src/runtime/transport.js';
import { createKafkaTransport } from '../../src/runtime/transports/kafka.js';
import { dropKafkaTopics, KAFKA_TEST_OPTIONS } from './brokers.js';
import { skipUnlessReachable } from './broker-reachable.js';
import { message, transportContract, waitFor } from './contract.js';
import { deliveryCapTest } from './delivery-cap.js';

const skip = await skipUnlessReachable('Kafka', '127.0.0.1', 9092, 'scripts/kafka.sh start');

describe.skipIf(skip)('kafka transport', () => {
  transportContract({
    name: 'kafka',
    create: () => createKafkaTransport(KAFKA_TEST_OPTIONS),
    dropTopics: dropKafkaTopics,
    // With 3 partitions the default partitioner puts `slow` on partition 0 and keys a-e on 1 and 2,
    // so they flow while `slow` retries (keys sharing its partition would wait).
    otherKeysFlowDuringRetry: true,
    waitMs: 30_000,
  });
});

// The services' setting (transportFromEnv): keys of one partition handled side by side.
describe.skipIf(skip)('kafka transport, keys consumed concurrently', () => {
  transportContract({
    name: 'kafka (keysConsumedConcurrently 8)',
    create: () => createKafkaTransport({ ...KAFKA_TEST_OPTIONS, keysConsumedConcurrently: 8 }),
    dropTopics: dropKafkaTopics,
    otherKeysFlowDuringRetry: true,
    waitMs: 30_000,
  });
});

describe.skipIf(skip)('kafka transport, keys consumed concurrently: a retry holds only its key', () => {
  const t = `edasaga-test-${Math.random().toString(36).slice(2, 10)}-keys`;
  let transport: Transport | undefined;

  afterAll(async () => {
    await transport?.close();
    await dropKafkaTopics(transport!, [t], [`${t}-g`]);
  });

  it('lets a key that shares the partition pass a retrying message, and keeps each key in order', async () => {
    transport = await createKafkaTransport({ ...KAFKA_TEST_OPTIONS, partitions: 1, keysConsumedConcurrently: 4 });
    await transport.ensureTopics([t]);
    const handled: string[] = [];
    await transport.subscribe({
      group: `${t}-g`,
      topics: [t],
      handle: async (d) => {
        const { n } = JSON.parse(d.message.body) as { n: number };
        if (d.message.key === 'slow' && n === 0 && d.attempt === 1) return { kind: 'retry', delayMs: 500 };
        handled.push(`${d.message.key}${n}`);
        return { kind: 'ack' };
      },
    });
    await transport.publish([message(t, 'slow', { n: 0 }), message(t, 'other', { n: 1 }), message(t, 'slow', { n: 2 }), message(t, 'other', { n: 3 })]);
    await waitFor('all messages', () => handled.length >= 4, 30_000);
    // In one batch (published together): `other` goes on while `slow` waits; each key keeps its order.
    expect(handled.filter((h) => h.startsWith('slow'))).toEqual(['slow0', 'slow2']);
    expect(handled.filter((h) => h.startsWith('other'))).toEqual(['other1', 'other3']);
    expect(handled.indexOf('other1')).toBeLessThan(handled.indexOf('slow0'));
  });
});

describe.skipIf(skip)('kafka transport: delivery cap', () => {
  deliveryCapTest((maxDeliveries) => createKafkaTransport({ ...KAFKA_TEST_OPTIONS, maxDeliveries }), dropKafkaTopics, 30_000);
});

describe.skipIf(skip)('kafka transport: retries hold the partition', () => {
  const t = `edasaga-test-${Math.random().toString(36).slice(2, 10)}-onepart`;
  let transport: Transport | undefined;

  afterAll(async () => {
    await transport?.close();
    await dropKafkaTopics(transport!, [t], [`${t}-g`]);
  });

  it('makes a key that shares the partition wait behind a retrying message (documented trade-off)', async () => {
    transport = await createKafkaTransport({ ...KAFKA_TEST_OPTIONS, partitions: 1 });
    await transport.ensureTopics([t]);
    const handled: string[] = [];
    await transport.subscribe({
      group: `${t}-g`,
      topics: [t],
      handle: async (d) => {
        if (d.message.key === 'slow' && d.attempt === 1) return { kind: 'retry', delayMs: 500 };
        handled.push(d.message.key);
        return { kind: 'ack' };
      },
    });
    await transport.publish([message(t, 'slow', { n: 0 }), message(t, 'other', { n: 1 })]);
    await waitFor('both messages', () => handled.length >= 2, 30_000);
    expect(handled).toEqual(['slow', 'other']);
  });
});

describe.skipIf(skip)('kafka transport: slow handlers', () => {
  const t = `edasaga-test-${Math.random().toString(36).slice(2, 10)}-slow`;
  let transport: Transport | undefined;

  afterAll(async () => {
    await transport?.close();
    await dropKafkaTopics(transport!, [t], [`${t}-g`]);
  });

  it('keeps the group membership through a handler slower than the session timeout', async () => {
    transport = await createKafkaTransport({ ...KAFKA_TEST_OPTIONS, sessionTimeoutMs: 6000 });
    await transport.ensureTopics([t]);
    const calls: number[] = [];
    await transport.subscribe({
      group: `${t}-g`,
      topics: [t],
      handle: async (d) => {
        calls.push(d.attempt);
        if (calls.length === 1) await new Promise((resolve) => setTimeout(resolve, 8000));
        return { kind: 'ack' };
      },
    });
    await transport.publish([message(t, 'k', { n: 1 })]);
    await waitFor('the slow handler', () => calls.length >= 1, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 9000));
    // Evicted from the group, the member would have had the message delivered again.
    expect(calls).toEqual([1]);
  });
});

describe.skipIf(skip)('kafka transport: a member that crashes', () => {
  const t = `edasaga-test-${Math.random().toString(36).slice(2, 10)}-crash`;
  const group = `${t}-g`;
  let transport: Transport | undefined;

  afterAll(async () => {
    await transport?.close();
    await dropKafkaTopics(transport!, [t], [group]);
  });

  it('hands what the crashed process had not committed to the next member', async () => {
    transport = await createKafkaTransport(KAFKA_TEST_OPTIONS);
    await transport.ensureTopics([t]);
    const sent = Array.from({ length: 40 }, (_, n) => message(t, `key-${n % 4}`, { n }));
    await transport.publish(sent);
    // A real process that handles ten messages and dies in the middle of the tenth: no commit of
    // that one, no leaving the group.
    const script = `
      const { createKafkaTransport } = await import('./src/runtime/transports/kafka.ts');
      const transport = await createKafkaTransport(${JSON.stringify(KAFKA_TEST_OPTIONS)});
      let handled = 0;
      await transport.subscribe({ group: ${JSON.stringify(group)}, topics: [${JSON.stringify(t)}], handle: async (d) => {
        handled += 1;
        if (handled === 10) { console.log('crash ' + d.message.headers.ce_id); process.exit(3); }
        console.log('acked ' + d.message.headers.ce_id);
        return { kind: 'ack' };
      } });`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status, child.stderr).toBe(3);
    const lines = child.stdout.trim().split('\n');
    const crashedOn = lines.find((line) => line.startsWith('crash '))?.slice(6);
    expect(crashedOn).toBeDefined();
    expect(lines.filter((line) => line.startsWith('acked '))).toHaveLength(9);

    const seen = new Set<string>();
    await transport.subscribe({ group, topics: [t], handle: async (d) => (seen.add(d.message.headers['ce_id'] ?? ''), { kind: 'ack' }) });
    const ackedByChild = new Set(lines.filter((line) => line.startsWith('acked ')).map((line) => line.slice(6)));
    const ids = sent.map((m) => m.headers['ce_id'] ?? '');
    await waitFor('every message not acked by the crashed member', () => ids.every((id) => ackedByChild.has(id) || seen.has(id)), 45_000);
    expect(seen.has(crashedOn!)).toBe(true);
  }, 120_000);
});
