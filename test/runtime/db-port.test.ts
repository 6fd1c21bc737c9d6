import { afterEach, describe, expect, it } from 'vitest';
import { dbFactories } from './helpers.js';
import { toPositional } from '../../src/runtime/db/postgres.js';
import type { Db } from '../../src/runtime/db/port.js';

describe('toPositional', () => {
  it('numbers placeholders outside quotes and comments', () => {
    expect(toPositional(`SELECT ?, '?', "a?" -- ?\n, ?`)).toBe(`SELECT $1, '?', "a?" -- ?\n, $2`);
  });
});

for (const factory of dbFactories) {
  describe.skipIf(!factory.available)(`db port on ${factory.name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });
    const fresh = async (): Promise<Db> => {
      const created = await factory.create();
      cleanup = created.cleanup;
      return created.db;
    };

    it('commits, rolls back, and runs after-commit hooks only on commit', async () => {
      const db = await fresh();
      await db.transaction((tx) => tx.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)'));
      const hooks: string[] = [];
      await db.transaction(async (tx) => {
        expect(await tx.execute('INSERT INTO t (id, v) VALUES (?, ?)', [1, 'a'])).toBe(1);
        tx.afterCommit(() => hooks.push('one'));
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.execute('INSERT INTO t (id, v) VALUES (?, ?)', [2, 'b']);
          tx.afterCommit(() => hooks.push('two'));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const rows = await db.transaction((tx) => tx.query<{ id: number; v: string }>('SELECT id, v FROM t ORDER BY id'));
      expect(rows.map((r) => [Number(r.id), r.v])).toEqual([[1, 'a']]);
      expect(hooks).toEqual(['one']);
    });

    it('keeps concurrent transactions apart', async () => {
      const db = await fresh();
      await db.transaction((tx) => tx.execute('CREATE TABLE c (id INTEGER PRIMARY KEY, n INTEGER)'));
      await db.transaction((tx) => tx.execute('INSERT INTO c (id, n) VALUES (1, 0)'));
      await Promise.all(
        Array.from({ length: 20 }, () =>
          db.transaction(async (tx) => {
            // Read-modify-write with an await in between: only safe when transactions are isolated.
            const [row] = await tx.query<{ n: number }>(`SELECT n FROM c WHERE id = 1${db.dialect.name === 'postgres' ? ' FOR UPDATE' : ''}`);
            await new Promise((resolve) => setImmediate(resolve));
            await tx.execute('UPDATE c SET n = ? WHERE id = 1', [Number(row!.n) + 1]);
          }),
        ),
      );
      const [row] = await db.transaction((tx) => tx.query<{ n: number }>('SELECT n FROM c WHERE id = 1'));
      expect(Number(row!.n)).toBe(20);
    });
  });
}

describe('SQLite group commit', () => {
  it('commits queued transactions together; a failing one rolls back alone', async () => {
    const { sqliteFactory } = await import('./helpers.js');
    const created = await sqliteFactory.create();
    try {
      const db = created.db as import('../../src/runtime/db/sqlite.js').SqliteDb;
      await db.transaction((tx) => tx.execute('CREATE TABLE g (id INTEGER PRIMARY KEY)'));
      const before = { commits: db.commits, transactions: db.transactions };
      const hooks: number[] = [];
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          db.transaction(async (tx) => {
            await tx.execute('INSERT INTO g (id) VALUES (?)', [i]);
            tx.afterCommit(() => hooks.push(i));
            if (i % 10 === 3) throw new Error(`no ${i}`);
            // Sees what earlier members of its batch wrote.
            const [row] = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM g');
            return row!.n;
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(5);
      const ids = await db.transaction((tx) => tx.query<{ id: number }>('SELECT id FROM g ORDER BY id'));
      expect(ids.map((r) => r.id)).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 10 !== 3));
      expect(hooks.sort((a, b) => a - b)).toEqual(ids.map((r) => r.id));
      expect(db.transactions - before.transactions).toBe(46); // 45 + the SELECT above
      expect(db.commits - before.commits).toBeLessThan(10);
      // A reopened connection sees exactly the committed rows.
      const again = await created.reopen();
      expect(await again.transaction((tx) => tx.query('SELECT COUNT(*) AS n FROM g'))).toEqual([{ n: 45 }]);
    } finally {
      await created.cleanup();
    }
  });
});

describe('openPostgres settings', () => {
  it('refuses a pool too small for the relay listener and a schema name it cannot quote safely', async () => {
    const { openPostgres } = await import('../../src/runtime/db/postgres.js');
    await expect(openPostgres({ schema: 'ok_schema', pool: { max: 1 } })).rejects.toThrow('pool.max must be at least 2');
    await expect(openPostgres({ schema: 'bad"; DROP' })).rejects.toThrow('invalid schema name');
  });
});
