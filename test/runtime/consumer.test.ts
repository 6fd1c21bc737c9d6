import { afterEach, describe, expect, it } from 'vitest';
import { dbFactories, waitFor } from './helpers.js';
import type { Db } from '../../src/runtime/db/port.js';
import { migrate } from '../../src/runtime/db/migrate.js';
import { InProcessTransport } from '../../src/runtime/transports/in-process.js';
import { createServiceRuntime, type ServiceRuntime } from '../../src/runtime/service.js';
import { handler, PermanentError, type MessageHandler } from '../../src/runtime/context.js';
import { silentLogger, createLogger } from '../../src/runtime/logger.js';
import { listDeadLetters } from '../../src/runtime/store/dead-letters.js';
import { documentStore } from '../../src/runtime/store/documents.js';
import { createEnvelope, fromBinary, toBinary } from '../../src/runtime/envelope.js';
import { backoffDelay } from '../../src/runtime/backoff.js';

const T = 'com.example.Thing';
const thing = (key: string, n: number, extra: Record<string, unknown> = {}) => ({ type: T, topic: 'things', key, dataversion: 1, data: { key, n, ...extra } });

for (const factory of dbFactories) {
  describe.skipIf(!factory.available)(`consumer on ${factory.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    const transport = (): InProcessTransport => {
      const t = new InProcessTransport();
      cleanups.push(() => t.close());
      return t;
    };
    const service = async (name: string, t: InProcessTransport, handlers: MessageHandler<unknown>[], extra: Partial<Parameters<typeof createServiceRuntime>[0]> = {}): Promise<ServiceRuntime> => {
      const created = await factory.create();
      cleanups.push(created.cleanup);
      const runtime = createServiceRuntime({ name, db: created.db, transport: t, handlers, logger: silentLogger(), relay: { pollIntervalMs: 100 }, ...extra });
      cleanups.push(() => runtime.stop());
      await runtime.start();
      return runtime;
    };

    it('a redelivered message has no second effect (inbox)', async () => {
      const t = transport();
      let calls = 0;
      const reader = await service('reader', t, [
        handler<{ n: number }>({ type: T, topic: 'things', handler: async (m, ctx) => {
          calls += 1;
          await ctx.state.update<number>('sum', 'total', (s) => (s ?? 0) + m.n);
        } }),
      ]);
      const envelope = createEnvelope({ source: '/w', type: T, dataversion: 1, subject: 'k', data: { n: 5 } });
      const delivery = { message: { topic: 'things', key: 'k', ...toBinary(envelope) }, attempt: 1 };
      expect(await reader.consumer.handle(delivery)).toEqual({ kind: 'ack' });
      expect(await reader.consumer.handle({ ...delivery, attempt: 2 })).toEqual({ kind: 'ack' });
      await t.publish([delivery.message]);
      await waitFor(async () => (await reader.db.transaction((tx) => tx.query('SELECT * FROM edasaga_inbox'))).length === 1);
      await new Promise((r) => setTimeout(r, 30));
      expect(calls).toBe(1);
      expect(await reader.transaction((u) => u.state.get('sum', 'total'))).toBe(5);
    });

    it('a transactional handler: the inbox row travels with its first statement, and a redelivery still has no second effect', async () => {
      const t = transport();
      let calls = 0;
      const entry = handler<{ n: number }>({
        type: T,
        topic: 'things',
        transactional: true,
        handler: async (m, ctx) => {
          calls += 1;
          await ctx.state.update<number>('sum', 'total', (s) => (s ?? 0) + m.n);
        },
      });
      const reader = await service('reader', t, [entry]);
      const envelope = createEnvelope({ source: '/w', type: T, dataversion: 1, subject: 'k', data: { n: 5 } });
      const handlers = [entry];
      expect(await reader.consumer.process(envelope, handlers)).toBe('handled');
      expect(await reader.consumer.process(envelope, handlers, 2)).toBe('duplicate');
      const delivery = { message: { topic: 'things', key: 'k', ...toBinary(envelope) }, attempt: 3 };
      expect(await reader.consumer.handle(delivery)).toEqual({ kind: 'ack' });
      expect(await reader.transaction((u) => u.state.get('sum', 'total'))).toBe(5);
      expect(await reader.db.transaction((tx) => tx.query('SELECT message_id FROM edasaga_inbox'))).toEqual([{ message_id: envelope.id }]);
      // Where writes can be held back, the handler ran up to its first statement for each duplicate;
      // elsewhere the inbox answered first.
      expect(calls).toBe(factory.name === 'postgres' ? 3 : 1);
    });

    it('retries transient faults for as long as they last without counting them toward the cap', async () => {
      const t = transport();
      let calls = 0;
      const reader = await service(
        'reader',
        t,
        [
          handler<{ n: number }>({ type: T, topic: 'things', handler: async (m, ctx) => {
            calls += 1;
            // Five deadlocks (PostgreSQL's SQLSTATE), twice the cap, then one failure of its own.
            if (calls <= 5) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
            if (calls === 6) throw new Error('a bug of the handler');
            await ctx.state.put('seen', String(m.n), { ok: true });
          } }),
        ],
        { consumer: { maxAttempts: 2, backoff: { initialMs: 5, multiplier: 1, maxMs: 5 }, transientBackoff: { initialMs: 5, multiplier: 1, maxMs: 5 } } },
      );
      const writer = await service('writer', t, []);
      await writer.transaction((u) => u.publish(thing('a', 1)));
      await waitFor(async () => (await reader.transaction((u) => u.state.get('seen', '1'))) !== undefined, 5000, 'handled after its transient faults');
      expect(calls).toBe(7);
      expect(await reader.db.transaction((tx) => listDeadLetters(tx))).toEqual([]);
    });

    it('retries with backoff, dead-letters after the cap, and never blocks other keys', async () => {
      const t = transport();
      const log: string[] = [];
      const writer = await service('writer', t, []);
      const reader = await service(
        'reader',
        t,
        [
          handler<{ key: string; n: number; poison?: boolean }>({ type: T, topic: 'things', handler: async (m) => {
            log.push(`${m.key}${m.n}`);
            if (m.poison === true) throw new Error(`cannot handle ${m.key}${m.n}`);
          } }),
        ],
        // At least 100 + 200 ms between a1's attempts (jitter halves at most): time for b1 and b2 to commit.
        { consumer: { maxAttempts: 3, backoff: { initialMs: 200, multiplier: 2, maxMs: 1000 } } },
      );
      await writer.transaction(async (u) => {
        await u.publish(thing('a', 1, { poison: true }));
        await u.publish(thing('a', 2));
        await u.publish(thing('b', 1));
        await u.publish(thing('b', 2));
      });
      await waitFor(() => log.includes('a2'), 5000, 'a2 handled after a1 was dead-lettered');
      // a1 three times, then a2; b went through while a1 was waiting.
      expect(log.filter((x) => x === 'a1')).toHaveLength(3);
      expect(log.indexOf('a2')).toBeGreaterThan(log.lastIndexOf('a1'));
      expect(log.indexOf('b2')).toBeLessThan(log.lastIndexOf('a1'));
      const dead = await reader.db.transaction((tx) => listDeadLetters(tx));
      expect(dead).toMatchObject([{ consumer: 'reader', type: T, attempts: 3, error: 'cannot handle a1', message: { topic: 'things', key: 'a' } }]);
      expect(fromBinary(dead[0]!.message).data).toEqual({ key: 'a', n: 1, poison: true });
      expect(t.deadLetters('reader')).toHaveLength(1);
    });

    it('replays a dead letter with its id: the failed consumer handles it, the others recognise it', async () => {
      const t = transport();
      let broken = true;
      const handled: Record<string, number> = { reader: 0, other: 0 };
      const writer = await service('writer', t, []);
      const make = (name: 'reader' | 'other') =>
        service(name, t, [handler({ type: T, topic: 'things', handler: async () => {
          if (name === 'reader' && broken) throw new Error('bug');
          handled[name] = (handled[name] ?? 0) + 1;
        } })], { consumer: { maxAttempts: 2, backoff: { initialMs: 1, multiplier: 1, maxMs: 1 } } });
      const reader = await make('reader');
      await make('other');
      await writer.transaction((u) => u.publish(thing('k', 1)));
      await waitFor(async () => (await reader.deadLetters()).length === 1 && handled['other'] === 1);
      const [dead] = await reader.deadLetters();
      broken = false;
      expect(await reader.replayDeadLetter(dead!.seq)).toBe(true);
      expect(await reader.replayDeadLetter(dead!.seq)).toBe(false);
      await waitFor(() => handled['reader'] === 1);
      await new Promise((r) => setTimeout(r, 50));
      expect(handled).toEqual({ reader: 1, other: 1 });
      expect(await reader.deadLetters()).toEqual([]);
    });

    it('dead-letters an undecodable message at once', async () => {
      const t = transport();
      const reader = await service('reader', t, [
        handler<number>({ type: T, topic: 'things', decode: () => { throw new Error('schema says no'); }, handler: async () => {} }),
      ]);
      const envelope = createEnvelope({ source: '/w', type: T, dataversion: 1, subject: 'k', data: {} });
      const outcome = await reader.consumer.handle({ message: { topic: 'things', key: 'k', ...toBinary(envelope) }, attempt: 1 });
      expect(outcome).toMatchObject({ kind: 'dead-letter', reason: expect.stringContaining('schema says no') });
      const garbage = await reader.consumer.handle({ message: { topic: 'things', key: 'k', headers: { ce_id: 'x' }, body: 'not json' }, attempt: 1 });
      expect(garbage.kind).toBe('dead-letter');
      expect((await reader.db.transaction((tx) => listDeadLetters(tx))).map((d) => d.attempts)).toEqual([1, 1]);
      const permanent = await service('other', t, [handler({ type: T, topic: 'things', handler: async () => { throw new PermanentError('no such account'); } })]);
      expect(await permanent.consumer.handle({ message: { topic: 'things', key: 'k', ...toBinary(envelope) }, attempt: 1 })).toMatchObject({ kind: 'dead-letter' });
    });


    it('passes types it does not read by their type header, without judging their body', async () => {
      const t = transport();
      let calls = 0;
      const reader = await service('reader', t, [handler({ type: T, topic: 'things', handler: async () => { calls += 1; } })]);
      const other = { ce_id: 'o-1', ce_type: 'com.example.Other', ce_source: '/w', ce_specversion: '1.0' };
      expect(await reader.consumer.handle({ message: { topic: 'things', key: 'k', headers: other, body: 'not json' }, attempt: 1 })).toEqual({ kind: 'ack' });
      // The same malformed body under a type it reads is its to judge.
      const mine = await reader.consumer.handle({ message: { topic: 'things', key: 'k', headers: { ...other, ce_type: T }, body: 'not json' }, attempt: 1 });
      expect(mine.kind).toBe('dead-letter');
      expect(calls).toBe(0);
      expect(await reader.db.transaction((tx) => tx.query('SELECT * FROM edasaga_inbox'))).toEqual([]);
      expect((await reader.db.transaction((tx) => listDeadLetters(tx))).map((d) => d.messageId)).toEqual(['o-1']);
    });

    it('a failing handler rolls back its state, inbox row and publishes', async () => {
      const t = transport();
      let fail = true;
      const reader = await service('reader', t, [
        handler({ type: T, topic: 'things', handler: async (_m, ctx) => {
          await ctx.state.put('seen', ctx.envelope.id, { ok: true });
          // To a topic nobody here reads: a message back to this handler would race the counts below.
          await ctx.publish({ ...thing('out', 1), topic: 'elsewhere' });
          if (fail) throw new Error('transient');
        } }),
      ], { relay: { pollIntervalMs: 100, outboxRetentionMs: 3_600_000 } });
      const envelope = createEnvelope({ source: '/w', type: T, dataversion: 1, subject: 'k', data: {} });
      const delivery = { message: { topic: 'things', key: 'k', ...toBinary(envelope) }, attempt: 1 };
      expect((await reader.consumer.handle(delivery)).kind).toBe('retry');
      const counts = async () => reader.db.transaction(async (tx) => ({
        docs: (await tx.query('SELECT * FROM edasaga_documents')).length,
        inbox: (await tx.query('SELECT * FROM edasaga_inbox')).length,
        outbox: (await tx.query('SELECT * FROM edasaga_outbox')).length,
      }));
      expect(await counts()).toEqual({ docs: 0, inbox: 0, outbox: 0 });
      fail = false;
      expect(await reader.consumer.handle({ ...delivery, attempt: 2 })).toEqual({ kind: 'ack' });
      expect(await counts()).toEqual({ docs: 1, inbox: 1, outbox: 1 });
    });

    it('published messages inherit the correlation id and name the incoming message as cause; logs carry both', async () => {
      const t = transport();
      const lines: string[] = [];
      const logger = createLogger({ name: 'relay-svc', level: 'info', destination: { write: (line: string) => void lines.push(line) } });
      const writer = await service('writer', t, []);
      const forwarded: string[] = [];
      await t.subscribe({ group: 'spy', topics: ['forwarded'], handle: async (d) => (forwarded.push(JSON.stringify(d.message.headers)), { kind: 'ack' }) });
      await service('relay-svc', t, [
        handler({ type: T, topic: 'things', handler: async (_m, ctx) => {
          ctx.log.info('forwarding');
          await ctx.publish({ type: 'com.example.Forwarded', topic: 'forwarded', key: 'k', dataversion: 1, data: {} });
        } }),
      ], { logger });
      let incomingId = '';
      await writer.transaction(async (u) => {
        incomingId = await u.publish(thing('k', 1));
      }, { correlationid: 'order-42' });
      await waitFor(() => forwarded.length === 1);
      const headers = JSON.parse(forwarded[0]!) as Record<string, string>;
      expect(headers['ce_correlationid']).toBe('order-42');
      expect(headers['ce_causationid']).toBe(incomingId);
      expect(headers['ce_source']).toBe('/relay-svc');
      const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'forwarding');
      expect(line).toMatchObject({ service: 'relay-svc', correlationid: 'order-42', causationid: incomingId });
    });

    it('document store: put, get, update, list, find, delete', async () => {
      const created = await factory.create();
      cleanups.push(created.cleanup);
      const db: Db = created.db;
      await migrate(db);
      await db.transaction(async (tx) => {
        const state = documentStore(tx);
        await state.put('orders', 'o2', { id: 'o2', status: 'placed', customer: 'c1', total: 10, vip: false });
        await state.put('orders', 'o1', { id: 'o1', status: 'paid', customer: 'c1', total: 20, vip: true });
        await state.put('orders', 'o3', { id: 'o3', status: 'placed', customer: 'c2', total: 10, vip: false });
        await state.put('other', 'o1', { id: 'x' });
      });
      await db.transaction(async (tx) => {
        const state = documentStore(tx);
        expect(await state.get('orders', 'o1')).toMatchObject({ status: 'paid' });
        expect(await state.get('orders', 'nope')).toBeUndefined();
        expect((await state.list<{ id: string }>('orders')).map((o) => o.id)).toEqual(['o1', 'o2', 'o3']);
        expect((await state.list<{ id: string }>('orders', { limit: 1, offset: 1 })).map((o) => o.id)).toEqual(['o2']);
        expect((await state.find<{ id: string }>('orders', { status: 'placed' })).map((o) => o.id)).toEqual(['o2', 'o3']);
        expect((await state.find<{ id: string }>('orders', { status: 'placed', customer: 'c2' })).map((o) => o.id)).toEqual(['o3']);
        expect((await state.find<{ id: string }>('orders', { total: 10 })).map((o) => o.id)).toEqual(['o2', 'o3']);
        expect((await state.find<{ id: string }>('orders', { vip: true })).map((o) => o.id)).toEqual(['o1']);
        expect(await state.update<{ total: number }>('orders', 'o1', (o) => ({ ...o!, total: o!.total + 1 }))).toMatchObject({ total: 21 });
        expect(await state.delete('orders', 'o3')).toBe(true);
        expect(await state.delete('orders', 'o3')).toBe(false);
        await expect(state.find('orders', { 'x; DROP': 1 })).rejects.toThrow('plain identifier');
      });
      const [row] = await db.transaction((tx) => tx.query("SELECT version FROM edasaga_documents WHERE collection = 'orders' AND id = 'o1'"));
      expect(Number(row?.['version'])).toBe(2);
    });

    it('document update is a safe read-modify-write under concurrent transactions', async () => {
      const created = await factory.create();
      cleanups.push(created.cleanup);
      const db: Db = created.db;
      await migrate(db);
      await db.transaction((tx) => documentStore(tx).put('counters', 'c', { n: 0 }));
      await Promise.all(
        Array.from({ length: 20 }, () =>
          db.transaction(async (tx) => {
            await documentStore(tx).update<{ n: number }>('counters', 'c', (c) => ({ n: (c?.n ?? 0) + 1 }));
          }),
        ),
      );
      expect(await db.transaction((tx) => documentStore(tx).get('counters', 'c'))).toEqual({ n: 20 });
      // Also when the document does not exist yet: concurrent creators must not overwrite each other.
      await Promise.all(
        Array.from({ length: 20 }, () =>
          db.transaction((tx) => documentStore(tx).update<{ n: number }>('counters', 'fresh', (c) => ({ n: (c?.n ?? 0) + 1 }))),
        ),
      );
      expect(await db.transaction((tx) => documentStore(tx).get('counters', 'fresh'))).toEqual({ n: 20 });
    });
  });
}

describe('backoff', () => {
  it('grows exponentially with jitter and a cap', () => {
    const policy = { initialMs: 100, multiplier: 2, maxMs: 1000 };
    expect(backoffDelay(policy, 1, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 1)).toBe(400);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1000);
  });
});

describe('uuidv7', () => {
  it('is a version 7 UUID that sorts in creation order, also within one millisecond', async () => {
    const { uuidv7 } = await import('../../src/runtime/ids.js');
    // Ahead of any id made earlier in this process (the generator never goes back in time).
    const base = Date.now() + 86_400_000;
    const ids = Array.from({ length: 5000 }, (_, i) => uuidv7(base + Math.floor(i / 1000)));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]!.replace(/-/g, '').slice(0, 12)).toBe(base.toString(16).padStart(12, '0'));
    const earlier = uuidv7(base - 60_000); // clock stepped back: still after the last id
    expect(earlier > ids.at(-1)!).toBe(true);
  });
});

describe('service runtime start', () => {
  it('a failed start (bad migration) leaves nothing running and can be retried', async () => {
    const { sqliteFactory } = await import('./helpers.js');
    const created = await sqliteFactory.create();
    const transport = new InProcessTransport();
    let broken = true;
    const runtime = createServiceRuntime({
      name: 'svc',
      db: created.db,
      transport,
      logger: silentLogger(),
      handlers: [handler({ type: T, topic: 'things', handler: async () => {} })],
      migrations: [{ id: 'app-001', statements: () => [broken ? 'CREATE TABLE oops (' : 'CREATE TABLE fine (x INTEGER)'] }],
    });
    try {
      await expect(runtime.start()).rejects.toThrow();
      broken = false;
      await runtime.start();
      expect(await created.db.transaction((tx) => tx.query("SELECT id FROM edasaga_migrations WHERE id = 'app-001'"))).toHaveLength(1);
    } finally {
      await runtime.stop();
      await transport.close();
      await created.cleanup();
    }
  });
});
