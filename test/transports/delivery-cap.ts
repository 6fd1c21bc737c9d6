// The broker transports' own delivery cap: a message still asking for a retry at the cap goes to the
// dead-letter topic, with how many attempts it had, and later messages go on. (The in-process
// transport leaves the cap to the consumer's policy, so this is not part of the shared contract.)
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { deadLetterTopic, type Delivery, type Transport } from '../../src/runtime/transport.js';
import { message, waitFor } from './contract.js';

export function deliveryCapTest(
  create: (maxDeliveries: number) => Promise<Transport>,
  dropTopics: (transport: Transport, topics: readonly string[], groups: readonly string[]) => Promise<void>,
  waitMs: number,
): void {
  const t = `edasaga-test-${randomUUID().slice(0, 8)}-cap`;
  let transport: Transport | undefined;

  afterAll(async () => {
    if (transport === undefined) return;
    try {
      await transport.close();
    } finally {
      await dropTopics(transport, [t], [`${t}-g`, `${t}-dlq`]);
    }
  });

  it('dead-letters a message that still asks for a retry at the delivery cap', async () => {
    transport = await create(3);
    await transport.ensureTopics([t]);
    const attempts: number[] = [];
    const later: number[] = [];
    const dead: Delivery[] = [];
    await transport.subscribe({
      group: `${t}-g`,
      topics: [t],
      handle: async (d) => {
        const { n } = JSON.parse(d.message.body) as { n: number };
        if (n === 0) {
          attempts.push(d.attempt);
          return { kind: 'retry', delayMs: 10 };
        }
        later.push(n);
        return { kind: 'ack' };
      },
    });
    await transport.subscribe({ group: `${t}-dlq`, topics: [deadLetterTopic(t)], handle: async (d) => (dead.push(d), { kind: 'ack' }) });
    await transport.publish([0, 1, 2].map((n) => message(t, 'k', { n })));
    await waitFor('the dead letter', () => dead.length >= 1, waitMs);
    await waitFor('later messages', () => later.length >= 2, waitMs);
    expect(attempts).toEqual([1, 2, 3]);
    expect(later).toEqual([1, 2]);
    expect(dead[0]?.message.headers['x-dead-letter-attempts']).toBe('3');
    expect(dead[0]?.message.headers['x-dead-letter-reason']).toMatch(/delivery cap/);
  });

  it('does not count transient retries toward the cap', async () => {
    const topic = `${t}-transient`;
    const local = await create(3);
    try {
      await local.ensureTopics([topic]);
      const attempts: number[] = [];
      let handled = false;
      const dead: Delivery[] = [];
      await local.subscribe({
        group: `${t}-tg`,
        topics: [topic],
        handle: async (d) => {
          attempts.push(d.attempt);
          // Six transient faults (a deadlock, a lost database), twice the cap, then one counted failure.
          if (attempts.length <= 6) return { kind: 'retry', delayMs: 5, transient: true };
          if (attempts.length === 7) return { kind: 'retry', delayMs: 5 };
          handled = true;
          return { kind: 'ack' };
        },
      });
      await local.subscribe({ group: `${t}-tdlq`, topics: [deadLetterTopic(topic)], handle: async (d) => (dead.push(d), { kind: 'ack' }) });
      await local.publish([message(topic, 'k', { n: 0 })]);
      await waitFor('the message handled after its transient faults', () => handled, waitMs);
      expect(attempts).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(dead).toEqual([]);
    } finally {
      await local.close();
      await dropTopics(local, [topic], [`${t}-tg`, `${t}-tdlq`]);
    }
  });
}
