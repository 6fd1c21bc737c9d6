import { describe, expect, it } from 'vitest';
import { InProcessTransport } from '../../src/runtime/transports/in-process.js';
import type { Delivery, DeliveryOutcome, TransportMessage } from '../../src/runtime/transport.js';
import { sleep, waitFor } from './helpers.js';

const msg = (topic: string, key: string, body: string): TransportMessage => ({ topic, key, headers: { 'ce_id': body }, body });

describe('in-process transport', () => {
  it('gives every group every message, each once per group, in publish order per key', async () => {
    const transport = new InProcessTransport();
    const seen: Record<string, string[]> = { a: [], b: [] };
    for (const group of ['a', 'b']) {
      await transport.subscribe({
        group,
        topics: ['t'],
        handle: async (d) => {
          seen[group]!.push(d.message.body);
          return { kind: 'ack' };
        },
      });
    }
    await transport.publish([msg('t', 'k1', '1'), msg('t', 'k2', '2'), msg('t', 'k1', '3')]);
    await transport.publish([msg('t', 'k1', '4')]);
    await waitFor(() => seen['a']!.length === 4 && seen['b']!.length === 4);
    for (const group of ['a', 'b']) {
      expect(seen[group]!.filter((b) => b !== '2')).toEqual(['1', '3', '4']);
      expect(seen[group]).toContain('2');
    }
    await transport.close();
  });

  it('holds back only the retried key and honours the delay', async () => {
    const transport = new InProcessTransport();
    const log: string[] = [];
    const firstSeenAt = new Map<string, number>();
    await transport.subscribe({
      group: 'g',
      topics: ['t'],
      handle: async (d: Delivery): Promise<DeliveryOutcome> => {
        log.push(`${d.message.body}@${d.attempt}`);
        if (d.message.body === 'x1' && d.attempt < 3) {
          if (!firstSeenAt.has('x1')) firstSeenAt.set('x1', Date.now());
          return { kind: 'retry', delayMs: 40 };
        }
        return { kind: 'ack' };
      },
    });
    await transport.publish([msg('t', 'x', 'x1'), msg('t', 'x', 'x2'), msg('t', 'y', 'y1')]);
    await waitFor(() => log.includes('x2@1'));
    const elapsed = Date.now() - firstSeenAt.get('x1')!;
    expect(elapsed).toBeGreaterThanOrEqual(75);
    expect(log.indexOf('y1@1')).toBeLessThan(log.indexOf('x1@2'));
    expect(log.indexOf('x1@3')).toBeLessThan(log.indexOf('x2@1'));
    await transport.close();
  });

  it('dead-letters and goes on with the key', async () => {
    const transport = new InProcessTransport();
    const acked: string[] = [];
    await transport.subscribe({
      group: 'g',
      topics: ['t'],
      handle: async (d) => {
        if (d.message.body === 'bad') return { kind: 'dead-letter', reason: 'poison' };
        acked.push(d.message.body);
        return { kind: 'ack' };
      },
    });
    const dlq: string[] = [];
    await transport.subscribe({ group: 'ops', topics: ['t.dlq'], handle: async (d) => (dlq.push(d.message.body), { kind: 'ack' }) });
    await transport.publish([msg('t', 'k', 'bad'), msg('t', 'k', 'good')]);
    await waitFor(() => acked.length === 1 && dlq.length === 1);
    expect(transport.deadLetters('g')).toMatchObject([{ reason: 'poison', attempts: 1, message: { body: 'bad' } }]);
    await transport.close();
  });

  it('splits a group between members and resumes after all members left', async () => {
    const transport = new InProcessTransport();
    const byMember: string[][] = [[], []];
    const subs = await Promise.all(
      [0, 1].map((i) => transport.subscribe({ group: 'g', topics: ['t'], handle: async (d) => (byMember[i]!.push(d.message.body), { kind: 'ack' }) })),
    );
    await transport.publish(Array.from({ length: 20 }, (_, i) => msg('t', `k${i}`, String(i))));
    await waitFor(() => byMember[0]!.length + byMember[1]!.length === 20);
    expect(byMember[0]!.length).toBeGreaterThan(0);
    expect(byMember[1]!.length).toBeGreaterThan(0);
    for (const s of subs) await s.close();
    await transport.publish([msg('t', 'k', 'later')]);
    await sleep(20);
    const later: string[] = [];
    await transport.subscribe({ group: 'g', topics: ['t'], handle: async (d) => (later.push(d.message.body), { kind: 'ack' }) });
    await waitFor(() => later.length === 1);
    expect(later).toEqual(['later']);
    await transport.close();
  });

  it('close() waits for deliveries in flight', async () => {
    const transport = new InProcessTransport();
    let finished = false;
    let started = false;
    await transport.subscribe({
      group: 'g',
      topics: ['t'],
      handle: async () => {
        started = true;
        await sleep(50);
        finished = true;
        return { kind: 'ack' };
      },
    });
    await transport.publish([msg('t', 'k', '1')]);
    await waitFor(() => started);
    await transport.close();
    expect(finished).toBe(true);
  });

  it('treats a throwing handler as a retry', async () => {
    const transport = new InProcessTransport({ errorRetryDelayMs: 1 });
    const attempts: number[] = [];
    await transport.subscribe({
      group: 'g',
      topics: ['t'],
      handle: async (d) => {
        attempts.push(d.attempt);
        if (d.attempt === 1) throw new Error('boom');
        return { kind: 'ack' };
      },
    });
    await transport.publish([msg('t', 'k', '1')]);
    await waitFor(() => attempts.length === 2);
    expect(attempts).toEqual([1, 2]);
    await transport.close();
  });
});

describe('in-process transport retention', () => {
  it('keeps messages for a group that subscribes later, bounded while nobody reads the topic', async () => {
    const transport = new InProcessTransport({ maxUnreadPerTopic: 3 });
    await transport.publish(['1', '2', '3', '4', '5'].map((b) => msg('t', 'k', b)));
    const seen: string[] = [];
    await transport.subscribe({ group: 'late', topics: ['t'], handle: async (d) => (seen.push(d.message.body), { kind: 'ack' }) });
    await waitFor(() => seen.length === 3);
    expect(seen).toEqual(['3', '4', '5']);
    await transport.close();
  });
});

describe('in-process transport late groups', () => {
  it('a group that subscribes after another consumed a topic still gets the recent messages', async () => {
    const transport = new InProcessTransport({ retainConsumedPerTopic: 2 });
    const first: string[] = [];
    await transport.subscribe({ group: 'early', topics: ['t'], handle: async (d) => (first.push(d.message.body), { kind: 'ack' }) });
    await transport.publish(['1', '2', '3'].map((b) => msg('t', 'k', b)));
    await waitFor(() => first.length === 3);
    const late: string[] = [];
    await transport.subscribe({ group: 'late', topics: ['t'], handle: async (d) => (late.push(d.message.body), { kind: 'ack' }) });
    await transport.publish([msg('t', 'k', '4')]);
    await waitFor(() => late.length === 3);
    expect(late).toEqual(['2', '3', '4']);
    expect(first).toEqual(['1', '2', '3', '4']);
    await transport.close();
  });
});
