// Which failures are transient (retried without counting toward a delivery cap): the kinds by
// their codes, and a real PostgreSQL deadlock between two commit groups, which must come out as one
// (and leave the members of the losing group to commit when each runs again alone).
import { describe, expect, it } from 'vitest';
import { GroupAborted, TransientError, isTransient, transientKind } from '../../src/runtime/faults.js';
import { ConcurrencyConflict } from '../../src/runtime/db/port.js';
import { openPostgres } from '../../src/runtime/db/postgres.js';
import { PG_URL, postgresAvailable } from './helpers.js';

describe('transient faults', () => {
  it('tells the infrastructure\u2019s faults from a handler\u2019s own errors', () => {
    const coded = (code: string, message = code) => Object.assign(new Error(message), { code });
    expect(transientKind(coded('40P01'))).toBe('deadlock');
    expect(transientKind(coded('40001'))).toBe('serialization');
    expect(transientKind(coded('55P03'))).toBe('busy');
    expect(transientKind(coded('53300'))).toBe('busy');
    expect(transientKind(coded('57P01'))).toBe('connection');
    expect(transientKind(coded('08006'))).toBe('connection');
    expect(transientKind(coded('ECONNREFUSED'))).toBe('connection');
    expect(transientKind(coded('SQLITE_BUSY'))).toBe('busy');
    expect(transientKind(new Error('Connection terminated unexpectedly'))).toBe('connection');
    expect(transientKind(new GroupAborted(new Error('x')))).toBe('group');
    expect(transientKind(new ConcurrencyConflict('x'))).toBe('conflict');
    expect(transientKind(new TransientError('provider down'))).toBe('transient');
    // The brokers' clients: a NATS server away, a Kafka broker that a retry can reach.
    expect(transientKind(Object.assign(new Error('CONNECTION_REFUSED'), { name: 'NatsError', code: 'CONNECTION_REFUSED' }))).toBe('connection');
    expect(transientKind(Object.assign(new Error('bad subject'), { name: 'NatsError', code: 'BAD_SUBJECT' }))).toBeUndefined();
    expect(transientKind(Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError', retriable: true }))).toBe('connection');
    expect(transientKind(Object.assign(new Error('topic authorization failed'), { name: 'KafkaJSProtocolError', retriable: false }))).toBeUndefined();
    // Marked non-retriable by kafkajs, but only a cluster still coming up after a restart.
    expect(transientKind(Object.assign(new Error('Failed to find group coordinator'), { name: 'KafkaJSGroupCoordinatorNotFound', retriable: false }))).toBe('connection');
    // Found through a chain of causes, as wrappers keep them.
    expect(transientKind(new Error('outer', { cause: new Error('middle', { cause: coded('40P01') }) }))).toBe('deadlock');
    // A handler's own errors, and constraint violations, use up attempts.
    expect(isTransient(new Error('cannot handle'))).toBe(false);
    expect(isTransient(coded('23505'))).toBe(false);
    expect(isTransient(coded('42P01'))).toBe(false);
    expect(isTransient(undefined)).toBe(false);
    expect(isTransient('a string')).toBe(false);
  });

  it.skipIf(!postgresAvailable)('a real deadlock between two commit groups is transient, and the members of a losing group still commit', async () => {
    const schema = `edasaga_faults_${Math.random().toString(36).slice(2, 8)}`;
    // Two Dbs on one schema: two processes of one service, each with its own commit group.
    const a = await openPostgres({ schema, connectionString: PG_URL, pool: { max: 4 } });
    const b = await openPostgres({ schema, connectionString: PG_URL, pool: { max: 4 } });
    try {
      await a.transaction(async (tx) => {
        await tx.execute('CREATE TABLE stock (sku TEXT PRIMARY KEY, n INTEGER NOT NULL)');
        await tx.execute("INSERT INTO stock VALUES ('s1', 100), ('s2', 100)");
      });
      let release!: () => void;
      const bHoldsS2 = new Promise<void>((r) => (release = r));
      let aHoldsS1!: () => void;
      const s1Locked = new Promise<void>((r) => (aHoldsS1 = r));
      const take = (sku: string) => (tx: { execute(sql: string, p?: readonly unknown[]): Promise<number> }) => tx.execute('UPDATE stock SET n = n - 1 WHERE sku = ?', [sku] as never);
      // Group of a: s1, then (once b holds s2) s2. b: s2, then (once a holds s1) s1. A cycle.
      const groupA = [
        a.transaction(async (tx) => {
          await take('s1')(tx);
          aHoldsS1();
        }),
        a.transaction(async (tx) => {
          await bHoldsS2;
          await take('s2')(tx);
        }),
      ];
      const other = b.transaction(async (tx) => {
        await take('s2')(tx);
        release();
        await s1Locked;
        await take('s1')(tx);
      });
      const results = await Promise.allSettled([...groupA, other]);
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      // PostgreSQL breaks the cycle by failing one side: b's transaction (a deadlock, transient), or
      // a's group, whose members then ran again alone and committed.
      for (const failure of failures) expect(transientKind(failure)).toBe('deadlock');
      expect(failures.length).toBeLessThanOrEqual(1);
      const groupFailed = results.slice(0, 2).some((r) => r.status === 'rejected');
      expect(groupFailed).toBe(false);
      const [row] = await a.transaction((tx) => tx.query<{ total: number }>('SELECT SUM(n)::int AS total FROM stock'));
      expect(row?.total).toBe(200 - 2 - (results[2]?.status === 'fulfilled' ? 2 : 0));
    } finally {
      await a.dropSchema();
      await a.close();
      await b.close();
    }
  }, 30_000);
});
