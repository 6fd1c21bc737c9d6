import { afterEach, describe, expect, it } from 'vitest';
import { dbFactories, postgresFactory, sleep, waitFor } from './helpers.js';
import type { Db } from '../../src/runtime/db/port.js';
import { migrate, RUNTIME_MIGRATIONS } from '../../src/runtime/db/migrate.js';
import { Outbox } from '../../src/runtime/store/outbox.js';
import { OutboxRelay } from '../../src/runtime/relay.js';
import { InProcessTransport } from '../../src/runtime/transports/in-process.js';
import type { Transport, TransportMessage } from '../../src/runtime/transport.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { Consumer } from '../../src/runtime/consumer.js';
import { handler } from '../../src/runtime/context.js';
import { VirtualClock } from '../../src/runtime/clock.js';
import { fromBinary } from '../../src/runtime/envelope.js';

/** Records every publish call, then hands the batch to a real in-process transport. */
class RecordingTransport extends InProcessTransport {
  readonly batches: TransportMessage[][] = [];
  failNext: 'before' | 'after' | undefined;
  /** Random pause before each publish, to shake out ordering races between relays. */
  jitterMs = 0;
  override async publish(messages: readonly TransportMessage[]): Promise<void> {
    if (this.jitterMs > 0) await sleep(Math.random() * this.jitterMs);
    if (this.failNext === 'before') {
      this.failNext = undefined;
      throw new Error('broker unavailable');
    }
    this.batches.push([...messages]);
    await super.publish(messages);
    if (this.failNext === 'after') {
      // The broker took the batch, but the relay dies before it can mark the rows dispatched.
      this.failNext = undefined;
      throw new Error('crash after publish');
    }
  }
}

const message = (key: string, n: number) => ({ type: 'com.example.Thing', topic: 'things', key, dataversion: 1, data: { key, n } });

for (const factory of dbFactories) {
  describe.skipIf(!factory.available)(`outbox and relay on ${factory.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    const fresh = async (): Promise<{ db: Db; reopen(): Promise<Db> }> => {
      const created = await factory.create();
      cleanups.push(created.cleanup);
      await migrate(created.db);
      return created;
    };
    const relayFor = (db: Db, outbox: Outbox, transport: Transport, extra: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}) => {
      const relay = new OutboxRelay({ db, outbox, transport, logger: silentLogger(), pollIntervalMs: 60_000, ...extra });
      cleanups.push(() => relay.stop());
      return relay;
    };

    it('migrations are recorded and safe to re-run', async () => {
      const { db } = await fresh();
      expect(await migrate(db)).toEqual([]);
      const ids = await db.transaction((tx) => tx.query<{ id: string }>('SELECT id FROM edasaga_migrations ORDER BY id'));
      expect(ids.map((r) => r.id)).toEqual(RUNTIME_MIGRATIONS.map((m) => m.id));
      expect(await migrate(db, [{ id: 'app-001', statements: () => ['CREATE TABLE app_t (x INTEGER)'] }])).toEqual(['app-001']);
      expect(await migrate(db, [{ id: 'app-001', statements: () => ['CREATE TABLE app_t (x INTEGER)'] }])).toEqual([]);
    });

    it('writes outbox rows only when the transaction commits (Debezium columns + CloudEvents headers)', async () => {
      const { db } = await fresh();
      const outbox = new Outbox(db);
      await expect(
        db.transaction(async (tx) => {
          await outbox.append(tx, message('a', 1), { source: '/svc' });
          throw new Error('state change failed');
        }),
      ).rejects.toThrow('state change failed');
      expect(await db.transaction((tx) => outbox.all(tx))).toEqual([]);
      await db.transaction((tx) => outbox.append(tx, { ...message('a', 2), aggregatetype: 'Thing' }, { source: '/svc', correlationid: 'corr', causationid: 'cause' }));
      const [row] = await db.transaction((tx) => tx.query('SELECT * FROM edasaga_outbox'));
      expect(row).toMatchObject({ aggregatetype: 'Thing', aggregateid: 'a', type: 'com.example.Thing', topic: 'things', msg_key: 'a', payload: '{"key":"a","n":2}' });
      expect(row?.['dispatched_at']).toBeNull();
      const [stored] = await db.transaction((tx) => outbox.all(tx));
      const envelope = fromBinary(stored!.message);
      expect(envelope).toMatchObject({ source: '/svc', type: 'com.example.Thing', subject: 'a', correlationid: 'corr', causationid: 'cause', data: { key: 'a', n: 2 } });
      expect(envelope.id).toBe(String(row?.['id']));
    });

    it('publishes in order per key, in batches, and is woken by the commit (no poll wait)', async () => {
      const { db } = await fresh();
      const outbox = new Outbox(db);
      const transport = new RecordingTransport();
      cleanups.push(() => transport.close());
      const relay = relayFor(db, outbox, transport, { batchSize: 4 });
      const seen: string[] = [];
      await transport.subscribe({ group: 'g', topics: ['things'], handle: async (d) => (seen.push(d.message.body), { kind: 'ack' }) });
      await db.transaction(async (tx) => {
        for (let n = 0; n < 10; n++) await outbox.append(tx, message(n % 2 === 0 ? 'even' : 'odd', n), { source: '/svc' });
      });
      await relay.start();
      await waitFor(() => seen.length === 10, 3000);
      expect(transport.batches.map((b) => b.length)).toEqual([4, 4, 2]);
      const order = (key: string) => seen.map((b) => JSON.parse(b) as { key: string; n: number }).filter((m) => m.key === key).map((m) => m.n);
      expect(order('even')).toEqual([0, 2, 4, 6, 8]);
      expect(order('odd')).toEqual([1, 3, 5, 7, 9]);
      // Later commits wake the relay at once although the poll is 60 s.
      const started = Date.now();
      await db.transaction((tx) => outbox.append(tx, message('even', 10), { source: '/svc' }));
      await waitFor(() => seen.length === 11, 2000);
      expect(Date.now() - started).toBeLessThan(2000);
      // On PostgreSQL the relay marks rows in the claim transaction, which commits after the publish.
      await waitFor(async () => (await db.transaction((tx) => outbox.countPending(tx))) === 0, 2000, 'rows marked');
    });

    it('a crash between publish and mark republishes; the inbox makes the effect happen once', async () => {
      const { db } = await fresh();
      const consumerSide = await fresh();
      const outbox = new Outbox(db);
      const transport = new RecordingTransport();
      cleanups.push(() => transport.close());
      let effects = 0;
      const consumer = new Consumer({
        service: 'reader',
        source: '/reader',
        db: consumerSide.db,
        transport,
        outbox: new Outbox(consumerSide.db),
        logger: silentLogger(),
        handlers: [handler({ type: 'com.example.Thing', topic: 'things', handler: async (_m, ctx) => {
          effects += 1;
          await ctx.state.update<number>('counter', 'n', (n) => (n ?? 0) + 1);
        } })],
      });
      await consumer.start();
      cleanups.push(() => consumer.stop());
      await db.transaction((tx) => outbox.append(tx, message('k', 1), { source: '/svc' }));
      const relay = relayFor(db, outbox, transport);
      transport.failNext = 'after';
      await expect(relay.publishBatch()).rejects.toThrow('crash after publish');
      expect(await db.transaction((tx) => outbox.countPending(tx))).toBe(1);
      // A new relay (the restarted process) finds the row still pending and publishes it again.
      await relay.drain();
      expect(transport.batches).toHaveLength(2);
      await waitFor(async () => (await consumerSide.db.transaction((tx) => tx.query('SELECT * FROM edasaga_inbox'))).length === 1);
      await sleep(50);
      expect(effects).toBe(1);
      expect(await consumerSide.db.transaction((tx) => tx.query<{ doc: string }>("SELECT doc FROM edasaga_documents WHERE collection = 'counter'"))).toEqual([{ doc: '1' }]);
    });

    it('retries after a failed publish without losing or reordering messages', async () => {
      const { db } = await fresh();
      const outbox = new Outbox(db);
      const transport = new RecordingTransport();
      cleanups.push(() => transport.close());
      const seen: number[] = [];
      await transport.subscribe({ group: 'g', topics: ['things'], handle: async (d) => (seen.push((JSON.parse(d.message.body) as { n: number }).n), { kind: 'ack' }) });
      transport.failNext = 'before';
      const relay = relayFor(db, outbox, transport);
      await relay.start();
      await db.transaction(async (tx) => {
        for (let n = 0; n < 5; n++) await outbox.append(tx, message('k', n), { source: '/svc' });
      });
      await waitFor(() => seen.length === 5, 3000);
      expect(seen).toEqual([0, 1, 2, 3, 4]);
    });

    it('applies retention to dispatched outbox rows and old inbox rows', async () => {
      const { db } = await fresh();
      const clock = new VirtualClock();
      const outbox = new Outbox(db, () => clock.now());
      const transport = new InProcessTransport();
      cleanups.push(() => transport.close());
      const relay = relayFor(db, outbox, transport, { clock, outboxRetentionMs: 60_000, inboxRetentionMs: 120_000 });
      await db.transaction(async (tx) => {
        await outbox.append(tx, message('k', 1), { source: '/svc' });
        await tx.execute('INSERT INTO edasaga_inbox (consumer, message_id, received_at) VALUES (?, ?, ?)', ['c', 'm1', clock.now()]);
      });
      await relay.drain();
      await db.transaction((tx) => outbox.append(tx, message('k', 2), { source: '/svc' })); // pending: never purged
      expect(await relay.purge()).toEqual({ outbox: 0, inbox: 0 });
      clock.advance(60_001);
      expect(await relay.purge()).toEqual({ outbox: 1, inbox: 0 });
      clock.advance(60_000);
      expect(await relay.purge()).toEqual({ outbox: 0, inbox: 1 });
      expect((await db.transaction((tx) => outbox.all(tx))).map((r) => r.dispatchedAt)).toEqual([undefined]);
    });

    it('with zero retention deletes rows as it publishes', async () => {
      const { db } = await fresh();
      const outbox = new Outbox(db);
      const transport = new InProcessTransport();
      cleanups.push(() => transport.close());
      const relay = relayFor(db, outbox, transport, { outboxRetentionMs: 0 });
      await db.transaction((tx) => outbox.append(tx, message('k', 1), { source: '/svc' }));
      await relay.drain();
      expect(await db.transaction((tx) => outbox.all(tx))).toEqual([]);
    });
  });
}

describe.skipIf(!postgresFactory.available)('several relays on one PostgreSQL schema', () => {
  it('share the work with SKIP LOCKED, keep per-key order, and wake each other with NOTIFY', async () => {
    const created = await postgresFactory.create();
    const transport = new RecordingTransport();
    const relays: OutboxRelay[] = [];
    try {
      await migrate(created.db);
      const dbs = [created.db, await created.reopen(), await created.reopen()];
      const seen: { key: string; n: number }[] = [];
      await transport.subscribe({ group: 'g', topics: ['things'], handle: async (d) => (seen.push(JSON.parse(d.message.body) as { key: string; n: number }), { kind: 'ack' }) });
      const writer = new Outbox(dbs[0]!);
      // More keys than a batch holds: with fewer, one relay's batch covers every key and the other
      // finds each of its rows held, getting work only when it wins a wake-up race.
      const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
      const total = 300;
      const write = async (from: number, to: number): Promise<void> => {
        for (let n = from; n < to; n += 3) {
          await dbs[0]!.transaction(async (tx) => {
            for (let i = n; i < n + 3; i++) await writer.append(tx, message(keys[i % keys.length]!, i), { source: '/svc' });
          });
        }
      };
      // A backlog first, so both relays start claiming neighbouring batches at the same moment.
      await write(0, 150);
      transport.jitterMs = 4;
      // Relays on the 2nd and 3rd pools: they only hear about later writes through NOTIFY (poll is 60 s).
      for (const db of dbs.slice(1)) {
        const relay = new OutboxRelay({ db, outbox: new Outbox(db), transport, logger: silentLogger(), pollIntervalMs: 60_000, batchSize: 7 });
        relays.push(relay);
      }
      await Promise.all(relays.map((relay) => relay.start()));
      await write(150, total);
      await waitFor(() => new Set(seen.map((m) => m.n)).size === total, 20_000, 'all messages published');
      for (const key of keys) {
        const ns = seen.filter((m) => m.key === key).map((m) => m.n);
        const firstSeen = ns.filter((n, i) => ns.indexOf(n) === i);
        expect(firstSeen).toEqual([...firstSeen].sort((x, y) => x - y));
      }
      // A relay counts a batch after its transaction committed: stop them so every count is in.
      for (const relay of relays) await relay.stop();
      expect(relays[0]!.published).toBeGreaterThan(0);
      expect(relays[1]!.published).toBeGreaterThan(0);
      expect(relays[0]!.published + relays[1]!.published).toBe(total);
    } finally {
      for (const relay of relays) await relay.stop();
      await transport.close();
      await created.cleanup();
    }
  });
});

describe.skipIf(!postgresFactory.available)('claiming rows on PostgreSQL', () => {
  const claim = async (keysAndNs: readonly (readonly [string, number])[], check: (outbox: Outbox, db: Db) => Promise<void>): Promise<void> => {
    const created = await postgresFactory.create();
    try {
      await migrate(created.db);
      const outbox = new Outbox(created.db);
      await created.db.transaction(async (tx) => {
        for (const [key, n] of keysAndNs) await outbox.append(tx, message(key, n), { source: '/svc' });
      });
      await check(outbox, created.db);
    } finally {
      await created.cleanup();
    }
  };
  const view = (rows: Awaited<ReturnType<Outbox['claimWithHeldKeys']>>) =>
    rows.map((row) => [row.key, (JSON.parse(row.message.body) as { n: number }).n, row.heldElsewhere]);

  it('marks the rows of a key whose earlier row another transaction holds', async () => {
    await claim([['a', 1], ['b', 2], ['a', 3], ['c', 4], ['b', 5]], async (outbox, db) => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let first!: (rows: ReturnType<typeof view>) => void;
      const claimedFirst = new Promise<ReturnType<typeof view>>((resolve) => (first = resolve));
      // Another relay: holds the oldest row (key a) until told to let go.
      const other = db.transaction(async (tx) => {
        first(view(await outbox.claimWithHeldKeys(tx, 1)));
        await held;
      }, { alone: true });
      expect(await claimedFirst).toEqual([['a', 1, false]]);
      const mine = await db.transaction((tx) => outbox.claimWithHeldKeys(tx, 10), { alone: true });
      release();
      await other;
      // Row 1 is skipped; the later row of key a must wait for it, keys b and c need not.
      expect(view(mine)).toEqual([['b', 2, false], ['a', 3, true], ['c', 4, false], ['b', 5, false]]);
    });
  });

  it('is not held back by a dispatched (retained) row, nor by rows past its limit', async () => {
    await claim([['a', 1], ['a', 2], ['b', 3], ['a', 4], ['b', 5]], async (outbox, db) => {
      // Row 1 dispatched and kept (retention): it must not block key a.
      await db.transaction(async (tx) => outbox.markDispatched(tx, [(await outbox.pending(tx, 1))[0]!.seq], true));
      // A limit of 2 takes rows 2 and 3; rows 4 and 5 of the same keys come later and block nothing.
      expect(view(await db.transaction((tx) => outbox.claimWithHeldKeys(tx, 2), { alone: true }))).toEqual([['a', 2, false], ['b', 3, false]]);
    });
  });
});

describe.skipIf(!postgresFactory.available)('NOTIFY on PostgreSQL', () => {
  it('wakes a relay in another process (another pool) as soon as an outbox row commits', async () => {
    const created = await postgresFactory.create();
    const transport = new InProcessTransport();
    let relay: OutboxRelay | undefined;
    try {
      await migrate(created.db);
      const other = await created.reopen();
      const seen: string[] = [];
      await transport.subscribe({ group: 'g', topics: ['things'], handle: async (d) => (seen.push(d.message.body), { kind: 'ack' }) });
      relay = new OutboxRelay({ db: other, outbox: new Outbox(other), transport, logger: silentLogger(), pollIntervalMs: 60_000 });
      await relay.start();
      const writer = new Outbox(created.db); // no in-process signal reaches `relay`
      for (let n = 0; n < 3; n++) {
        const started = Date.now();
        await created.db.transaction(async (tx) => {
          await writer.append(tx, message('k', n), { source: '/svc' });
          await writer.append(tx, message('k', n + 100), { source: '/svc' });
        });
        await waitFor(() => seen.length === 2 * (n + 1), 5000, 'NOTIFY wake-up');
        expect(Date.now() - started).toBeLessThan(5000);
      }
    } finally {
      await relay?.stop();
      await transport.close();
      await created.cleanup();
    }
  });
});
