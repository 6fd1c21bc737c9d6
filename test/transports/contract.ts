// The one contract every transport keeps (src/runtime/transport.ts), run against each of them by a
// `<name>.test.ts` next to this file. Each test uses topics and groups unique to the run and the
// harness deletes the topics afterwards.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope, fromBinary, toBinary } from '../../src/runtime/envelope.js';
import {
  deadLetterTopic,
  type Delivery,
  type DeliveryOutcome,
  type Subscription,
  type Transport,
  type TransportMessage,
} from '../../src/runtime/transport.js';

export interface TransportHarness {
  readonly name: string;
  create(): Promise<Transport>;
  /** Deletes the broker-side topics (with their dead-letter topics) and consumer groups a test created. */
  dropTopics(transport: Transport, topics: readonly string[], groups: readonly string[]): Promise<void>;
  /**
   * Whether the order test's other keys must flow while its `slow` key retries. A transport that
   * holds back more than the key (Kafka: the partition) says true only if those keys live elsewhere.
   */
  readonly otherKeysFlowDuringRetry: boolean;
  /** Longest wait for expected deliveries. */
  readonly waitMs: number;
}

const ACK: DeliveryOutcome = { kind: 'ack' };

export function message(topic: string, key: string, data: Record<string, unknown>): TransportMessage {
  const binary = toBinary(
    createEnvelope({ source: '/test/transports', type: 'com.example.test.Happened', dataversion: 1, subject: key, data }),
  );
  return { topic, key, headers: binary.headers, body: binary.body };
}

function dataOf(delivery: Delivery): Record<string, unknown> {
  return JSON.parse(delivery.message.body) as Record<string, unknown>;
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function transportContract(harness: TransportHarness): void {
  describe(`transport contract: ${harness.name}`, () => {
    const run = randomUUID().slice(0, 8);
    const topics: string[] = [];
    const subscriptions: Subscription[] = [];
    let transport: Transport;

    const topic = (label: string): string => {
      const name = `edasaga-test-${run}-${label}`;
      topics.push(name);
      return name;
    };
    const groups: string[] = [];
    const group = (label: string): string => {
      const name = `edasaga-test-${run}-${label}`;
      groups.push(name);
      return name;
    };
    const subscribe = async (...args: Parameters<Transport['subscribe']>): Promise<Subscription> => {
      const subscription = await transport.subscribe(...args);
      subscriptions.push(subscription);
      return subscription;
    };

    beforeAll(async () => {
      transport = await harness.create();
    });

    afterAll(async () => {
      await Promise.allSettled(subscriptions.map((s) => s.close()));
      if (transport === undefined) return;
      try {
        await harness.dropTopics(transport, topics, groups);
      } finally {
        await transport.close();
      }
    });

    it('delivers published messages with key, headers and body intact', async () => {
      const t = topic('pubsub');
      await transport.ensureTopics([t]);
      const received: Delivery[] = [];
      await subscribe({ group: group('pubsub'), topics: [t], handle: async (d) => (received.push(d), ACK) });
      const sent = [0, 1, 2, 3, 4].map((n) => message(t, `order-${n % 2}`, { n }));
      await transport.publish(sent);
      await waitFor('5 deliveries', () => received.length >= 5, harness.waitMs);
      const byId = new Map(received.map((d) => [d.message.headers['ce_id'], d]));
      for (const original of sent) {
        const got = byId.get(original.headers['ce_id']);
        expect(got, `message ${original.headers['ce_id']}`).toBeDefined();
        expect(got?.attempt).toBe(1);
        expect(got?.message.topic).toBe(t);
        expect(got?.message.key).toBe(original.key);
        expect(got?.message.body).toBe(original.body);
        expect(got?.message.headers).toMatchObject(original.headers);
        // Binary-mode CloudEvents survive the trip.
        expect(fromBinary(got!.message).id).toBe(original.headers['ce_id']);
      }
    });

    it('redelivers a message after a retry outcome, with the attempt counted', async () => {
      const t = topic('retry');
      await transport.ensureTopics([t]);
      const attempts: number[] = [];
      await subscribe({
        group: group('retry'),
        topics: [t],
        handle: async (d) => {
          attempts.push(d.attempt);
          return d.attempt < 3 ? { kind: 'retry', delayMs: 50 } : ACK;
        },
      });
      await transport.publish([message(t, 'k', { n: 1 })]);
      await waitFor('third attempt', () => attempts.length >= 3, harness.waitMs);
      await sleep(300);
      expect(attempts).toEqual([1, 2, 3]);
    });

    it('keeps order per key, also while a message of the key is being retried', async () => {
      const t = topic('order');
      await transport.ensureTopics([t]);
      const seen = new Map<string, number[]>();
      let retriedOnce = false;
      let otherKeyDuringRetry = false;
      let retrying = false;
      // Everything is published before the group subscribes, so that the group's first fetch holds
      // every key: a Kafka consumer fetches again only once a fetch's batches are done, so other
      // keys' messages fetched later could not flow while slow/2 waits in its batch.
      const keys = ['slow', 'a', 'b', 'c', 'd', 'e'];
      const batch: TransportMessage[] = [];
      for (let n = 0; n < 10; n++) for (const key of keys) batch.push(message(t, key, { n }));
      await transport.publish(batch.slice(0, 30));
      await transport.publish(batch.slice(30));
      await subscribe({
        group: group('order'),
        topics: [t],
        handle: async (d) => {
          const { n } = dataOf(d) as { n: number };
          if (d.message.key === 'slow' && n === 2) {
            if (!retriedOnce) {
              retriedOnce = true;
              retrying = true;
              return { kind: 'retry', delayMs: 1500 };
            }
            retrying = false;
          }
          // The other keys wait at n = 2 until slow/2 has asked for its retry, so that their later
          // messages are still to be handed over while it waits; without this they may all be
          // handled before slow reaches n = 2. Bounded: a transport that holds the other keys behind
          // the retry fails on the flag below, not here.
          if (d.message.key !== 'slow' && n === 2 && !retriedOnce) {
            await waitFor('the retry of slow/2', () => retriedOnce, 10_000).catch(() => undefined);
          }
          if (d.message.key !== 'slow' && retrying) otherKeyDuringRetry = true;
          const list = seen.get(d.message.key) ?? [];
          list.push(n);
          seen.set(d.message.key, list);
          return ACK;
        },
      });
      const total = () => [...seen.values()].reduce((sum, list) => sum + list.length, 0);
      await waitFor('60 deliveries', () => total() >= 60, harness.waitMs);
      for (const key of keys) expect(seen.get(key), `order of key ${key}`).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(retriedOnce).toBe(true);
      if (harness.otherKeysFlowDuringRetry) expect(otherKeyDuringRetry, 'other keys flow while one key retries').toBe(true);
    });

    it('shares the load inside a group and gives every group every message', async () => {
      const t = topic('groups');
      await transport.ensureTopics([t]);
      const shared = group('shared');
      const first: string[] = [];
      const second: string[] = [];
      const other: string[] = [];
      const recorder = (into: string[]) => async (d: Delivery) => {
        into.push(d.message.headers['ce_id'] ?? '');
        await sleep(5);
        return ACK;
      };
      await subscribe({ group: shared, topics: [t], handle: recorder(first) });
      await subscribe({ group: shared, topics: [t], handle: recorder(second) });
      await subscribe({ group: group('other'), topics: [t], handle: recorder(other) });
      const sent = Array.from({ length: 60 }, (_, n) => message(t, `customer-${n}`, { n }));
      await transport.publish(sent);
      const ids = sent.map((m) => m.headers['ce_id']);
      const sharedIds = () => new Set([...first, ...second]);
      await waitFor('the shared group to handle all', () => ids.every((id) => sharedIds().has(id ?? '')), harness.waitMs);
      await waitFor('the other group to handle all', () => ids.every((id) => other.includes(id ?? '')), harness.waitMs);
      expect(first.length, 'first member got a share').toBeGreaterThan(0);
      expect(second.length, 'second member got a share').toBeGreaterThan(0);
    });

    it('moves a dead-lettered message to the dead-letter topic and goes on with later ones', async () => {
      const t = topic('dead');
      await transport.ensureTopics([t]);
      const handled: number[] = [];
      const dead: Delivery[] = [];
      await subscribe({
        group: group('dead'),
        topics: [t],
        handle: async (d) => {
          const { n } = dataOf(d) as { n: number };
          if (n === 0) return d.attempt < 2 ? { kind: 'retry', delayMs: 20 } : { kind: 'dead-letter', reason: 'poison' };
          handled.push(n);
          return ACK;
        },
      });
      await subscribe({ group: group('dead-reader'), topics: [deadLetterTopic(t)], handle: async (d) => (dead.push(d), ACK) });
      const sent = [0, 1, 2, 3].map((n) => message(t, 'same-key', { n }));
      await transport.publish(sent);
      await waitFor('later messages of the key', () => handled.length >= 3, harness.waitMs);
      await waitFor('the dead letter', () => dead.length >= 1, harness.waitMs);
      expect(handled).toEqual([1, 2, 3]);
      const letter = dead[0]!.message;
      expect(letter.topic).toBe(deadLetterTopic(t));
      expect(letter.key).toBe('same-key');
      expect(letter.body).toBe(sent[0]!.body);
      expect(letter.headers['ce_id']).toBe(sent[0]!.headers['ce_id']);
      expect(letter.headers['x-dead-letter-reason']).toContain('poison');
    });

    it('loses nothing when a consumer is closed mid-stream and another takes over the group', async () => {
      const t = topic('restart');
      await transport.ensureTopics([t]);
      const g = group('restart');
      const acked = new Set<string>();
      const handledAfterClose: string[] = [];
      const orderPerKey = new Map<string, number[]>();
      let closed = false;
      const handle = async (d: Delivery): Promise<DeliveryOutcome> => {
        await sleep(10);
        const id = d.message.headers['ce_id'] ?? '';
        if (closed) handledAfterClose.push(id);
        const list = orderPerKey.get(d.message.key) ?? [];
        list.push((dataOf(d) as { n: number }).n);
        orderPerKey.set(d.message.key, list);
        acked.add(id);
        return ACK;
      };
      const firstMember = await subscribe({ group: g, topics: [t], handle });
      const sent = Array.from({ length: 80 }, (_, n) => message(t, `key-${n % 4}`, { n }));
      await transport.publish(sent);
      await waitFor('the first member to be under way', () => acked.size >= 10, harness.waitMs);
      await firstMember.close();
      closed = true;
      const ackedByFirst = new Set(acked);
      expect(ackedByFirst.size).toBeLessThan(sent.length);
      await subscribe({ group: g, topics: [t], handle });
      const ids = sent.map((m) => m.headers['ce_id'] ?? '');
      await waitFor('every message handled', () => ids.every((id) => acked.has(id)), harness.waitMs);
      // A clean close keeps the acknowledgements: the next member does not handle those again.
      expect(handledAfterClose.filter((id) => ackedByFirst.has(id))).toEqual([]);
      // And the hand-over keeps each key's order.
      for (const [key, list] of orderPerKey) expect(list, `order of ${key}`).toEqual([...list].sort((a, b) => a - b));
    });
  });
}
