import { afterEach, describe, expect, it } from 'vitest';
import { dbFactories, PG_URL, postgresFactory } from './helpers.js';
import { openPostgres, toPositional, type PostgresOptions } from '../../src/runtime/db/postgres.js';
import { executeLater, type Db } from '../../src/runtime/db/port.js';
import { Outbox } from '../../src/runtime/store/outbox.js';
import { migrate } from '../../src/runtime/db/migrate.js';

/**
 * A PostgreSQL Db on a schema of its own (`rt_<label>_<random>`); `open` opens another pool on the
 * same schema, `drop` removes the schema and closes the first pool.
 */
async function scratchPostgres(label: string, options: Omit<PostgresOptions, 'schema' | 'connectionString'>) {
  const schema = `rt_${label}_${Math.random().toString(36).slice(2, 10)}`;
  const open = (more: Omit<PostgresOptions, 'schema' | 'connectionString'>) => openPostgres({ schema, connectionString: PG_URL, ...more });
  const db = await open(options);
  return { db, open, drop: async () => (await db.dropSchema(), await db.close()) };
}

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

    it('runs later writes in order before the next statement, with every kind of value intact', async () => {
      const db = await fresh();
      await db.transaction((tx) => tx.execute('CREATE TABLE w (id INTEGER PRIMARY KEY, s TEXT, n BIGINT, f REAL, b INTEGER, z TEXT)'));
      const tricky = `it's a "quote", a back\\slash \\', a ? and -- not a comment; ünïcødé 🚀\n; COMMIT; DROP TABLE w`;
      const seen = await db.transaction(async (tx) => {
        await executeLater(tx, 'INSERT INTO w (id, s, n, f, b, z) VALUES (?, ?, ?, ?, ?, ?)', [1, tricky, 9007199254740991n, -1.5, 1, null]);
        await executeLater(tx, 'UPDATE w SET s = s || ? WHERE id = ?', ['!', 1]);
        // Read-your-writes: the queued writes go first.
        return tx.query<{ s: string; n: unknown; f: number; b: unknown; z: unknown }>('SELECT s, n, f, b, z FROM w WHERE id = ?', [1]);
      });
      expect(seen.map((r) => [r.s, String(r.n), Number(r.f), Number(r.b), r.z])).toEqual([[`${tricky}!`, '9007199254740991', -1.5, 1, null]]);
      // Queued writes left at the end travel with the commit.
      await db.transaction((tx) => executeLater(tx, 'INSERT INTO w (id, s) VALUES (?, ?)', [2, 'last']));
      const rows = await db.transaction((tx) => tx.query<{ id: unknown; s: string }>('SELECT id, s FROM w ORDER BY id'));
      expect(rows.map((r) => [Number(r.id), r.s])).toEqual([
        [1, `${tricky}!`],
        [2, 'last'],
      ]);
    });

    it('a later write that fails fails the commit and rolls the whole transaction back', async () => {
      const db = await fresh();
      await db.transaction((tx) => tx.execute('CREATE TABLE u (id INTEGER PRIMARY KEY, v TEXT)'));
      await db.transaction((tx) => tx.execute('INSERT INTO u (id, v) VALUES (1, ?)', ['kept']));
      const hooks: string[] = [];
      await expect(
        db.transaction(async (tx) => {
          await tx.execute('UPDATE u SET v = ? WHERE id = 1', ['changed']);
          await executeLater(tx, 'INSERT INTO u (id, v) VALUES (?, ?)', [2, 'new']);
          await executeLater(tx, 'INSERT INTO u (id, v) VALUES (?, ?)', [1, 'duplicate key']);
          tx.afterCommit(() => hooks.push('committed'));
        }),
      ).rejects.toThrow();
      expect(hooks).toEqual([]);
      // The connection is usable again and nothing of the failed transaction remains.
      const rows = await db.transaction((tx) => tx.query<{ id: unknown; v: string }>('SELECT id, v FROM u ORDER BY id'));
      expect(rows.map((r) => [Number(r.id), r.v])).toEqual([[1, 'kept']]);
    });
  });
}

describe.skipIf(!postgresFactory.available)('PostgreSQL adapter round trips', () => {
  it('wakes a listener for NOTIFYs of other pools but not for its own pool (its commits signal in-process)', async () => {
    const created = await postgresFactory.create();
    try {
      const db = created.db;
      await migrate(db, []);
      const outbox = new Outbox(db);
      const channel = `edasaga_outbox_${db.location}`.slice(0, 63);
      let heard = 0;
      const stop = await db.listen!(channel, () => (heard += 1));
      let signalled = 0;
      const unsignal = outbox.onCommit(() => (signalled += 1));
      // A second Outbox on the same Db signals the same relays.
      const other = new Outbox(db);
      await db.transaction((tx) => other.append(tx, { topic: 't', key: 'k', type: 'T', dataversion: 1, data: {} }, { source: '/s' }));
      expect(signalled).toBe(1);
      const second = await created.reopen();
      await second.transaction((tx) => tx.query("SELECT pg_notify(?, '')", [channel]));
      const deadline = Date.now() + 5000;
      while (heard < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toBe(1);
      unsignal();
      await stop();
    } finally {
      await created.cleanup();
    }
  });
});

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

describe('SQLite group commit across I/O callbacks', () => {
  // Each HTTP request (or broker delivery) asks for its transaction from its own I/O callback. A
  // batch started at once would hold only the first and commit it alone: one COMMIT per request.
  it('folds transactions asked for by separate socket reads of one event-loop turn into one COMMIT', async () => {
    const { sqliteFactory } = await import('./helpers.js');
    const net = await import('node:net');
    const created = await sqliteFactory.create();
    const db = created.db as import('../../src/runtime/db/sqlite.js').SqliteDb;
    const clients: import('node:net').Socket[] = [];
    const server = net.createServer();
    try {
      await db.transaction((tx) => tx.execute('CREATE TABLE r (id INTEGER PRIMARY KEY)'));
      const CONNECTIONS = 20;
      const done: Promise<void>[] = [];
      let received = 0;
      let accepted = 0;
      const allReceived = new Promise<void>((resolve) => {
        server.on('connection', (socket) => {
          accepted += 1;
          socket.once('data', (chunk) => {
            // As a request handler does: its own transaction, from its own read callback.
            done.push(db.transaction((tx) => tx.execute('INSERT INTO r (id) VALUES (?)', [Number(chunk.toString())])).then(() => undefined));
            if (++received === CONNECTIONS) resolve();
          });
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as import('node:net').AddressInfo;
      for (let i = 0; i < CONNECTIONS; i++) {
        const socket = net.connect(port, '127.0.0.1');
        clients.push(socket);
        await new Promise((resolve) => socket.once('connect', resolve));
      }
      // Wait until the server accepted them all, then send every request in one go so that their
      // reads are ready in the same poll phase.
      await expect.poll(() => accepted).toBe(CONNECTIONS);
      const before = db.commits;
      clients.forEach((socket, i) => socket.write(String(i)));
      await allReceived;
      await Promise.all(done);
      expect(await db.transaction((tx) => tx.query('SELECT COUNT(*) AS n FROM r'))).toEqual([{ n: CONNECTIONS }]);
      // Not one per request (20); the reads may straddle a turn or two on a busy machine.
      expect(db.commits - before).toBeLessThanOrEqual(4);
    } finally {
      for (const socket of clients) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await created.cleanup();
    }
  });
});

describe('openPostgres settings', () => {
  it('refuses a pool too small for the relay listener and a schema name it cannot quote safely', async () => {
    await expect(openPostgres({ schema: 'ok_schema', pool: { max: 1 } })).rejects.toThrow('pool.max must be at least 2');
    await expect(openPostgres({ schema: 'bad"; DROP' })).rejects.toThrow('invalid schema name');
  });
});

describe.skipIf(!postgresFactory.available)('PostgreSQL group commit', () => {
  it('commits queued transactions together; a failing one (statement, queued write or callback) rolls back alone', async () => {
    const { db, open, drop } = await scratchPostgres('group', { pool: { max: 4 }, maxGroupCommit: 64 });
    try {
      await db.transaction((tx) => tx.execute('CREATE TABLE g (id INTEGER PRIMARY KEY)'));
      const before = { commits: db.commits, transactions: db.transactions };
      const hooks: number[] = [];
      const results = await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) =>
          db.transaction(async (tx) => {
            await tx.execute('INSERT INTO g (id) VALUES (?)', [i]);
            tx.afterCommit(() => hooks.push(i));
            if (i % 10 === 3) throw new Error(`no ${i}`);
            // A failing statement: its savepoint is rolled back, the group goes on.
            if (i % 10 === 5) await tx.execute('INSERT INTO g (id) VALUES (?)', [i]);
            // A failing queued write fails at the end of its transaction, again alone.
            if (i % 10 === 7) await executeLater(tx, 'INSERT INTO g (id) VALUES (?)', [i]);
            else await executeLater(tx, 'INSERT INTO g (id) VALUES (?)', [1000 + i]);
            // Sees what earlier members of its group wrote.
            const [row] = await tx.query<{ n: string }>('SELECT COUNT(*) AS n FROM g');
            return Number(row!.n);
          }),
        ),
      );
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
      expect(failed).toEqual(Array.from({ length: 60 }, (_, i) => i).filter((i) => [3, 5, 7].includes(i % 10)));
      const kept = Array.from({ length: 60 }, (_, i) => i).filter((i) => ![3, 5, 7].includes(i % 10));
      const ids = await db.transaction((tx) => tx.query<{ id: number }>('SELECT id FROM g ORDER BY id'));
      expect(ids.map((r) => r.id)).toEqual([...kept, ...kept.map((i) => 1000 + i)]);
      expect(hooks.sort((a, b) => a - b)).toEqual(kept);
      expect(db.transactions - before.transactions).toBe(kept.length + 1); // + the SELECT above
      expect(db.commits - before.commits).toBeLessThan(20);
      // Another pool sees exactly the committed rows.
      const other = await open({ pool: { max: 2 } });
      try {
        expect(await other.transaction((tx) => tx.query<{ n: string }>('SELECT COUNT(*) AS n FROM g'))).toEqual([{ n: String(kept.length * 2) }]);
      } finally {
        await other.close();
      }
    } finally {
      await drop();
    }
  });
});

describe.skipIf(!postgresFactory.available)('PostgreSQL group commit under a trickle', () => {
  it('starts a new group for transactions queued while the previous group was committing', async () => {
    const { db, drop } = await scratchPostgres('trickle', { pool: { max: 3 }, maxGroupCommit: 8 });
    try {
      await db.transaction((tx) => tx.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)'));
      // Arrivals spread over many event-loop turns, so some land while a COMMIT is in flight.
      const results = await Promise.allSettled(
        Array.from({ length: 300 }, async (_, i) => {
          await new Promise((r) => setTimeout(r, i % 60));
          return db.transaction((tx) => executeLater(tx, 'INSERT INTO t (id) VALUES (?)', [i]));
        }),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(await db.transaction((tx) => tx.query<{ n: string }>('SELECT COUNT(*) AS n FROM t'))).toEqual([{ n: '300' }]);
      expect(db.commits).toBeLessThan(db.transactions);
    } finally {
      await drop();
    }
  });
});

describe.skipIf(!postgresFactory.available)('PostgreSQL group commit: optimistic groups', () => {
  /** Every statement the pool's connections send while `run` runs (multi-statement texts split). */
  async function statementsDuring(run: () => Promise<void>): Promise<string[]> {
    const pg = (await import('pg')).default;
    const seen: string[] = [];
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: unknown, config: unknown, ...rest: unknown[]) {
      const text = typeof config === 'string' ? config : (config as { text: string }).text;
      seen.push(...text.split('\n;\n'));
      return (original as (...args: unknown[]) => unknown).call(this, config, ...rest);
    } as typeof original;
    try {
      await run();
    } finally {
      pg.Client.prototype.query = original;
    }
    return seen;
  }

  it('sends no savepoints while every member succeeds; after a failure it runs the members again, each isolated', async () => {
    // One connection for groups (pool max - 2), so every queued transaction joins the same group.
    const { db, open, drop } = await scratchPostgres('optimistic', { pool: { max: 3 }, maxGroupCommit: 64 });
    try {
      await db.transaction((tx) => tx.execute('CREATE TABLE g (id INTEGER PRIMARY KEY)'));
      const clean = await statementsDuring(async () => {
        await Promise.all(Array.from({ length: 20 }, (_, i) => db.transaction((tx) => executeLater(tx, 'INSERT INTO g (id) VALUES (?)', [i]))));
      });
      expect(clean.filter((s) => /SAVEPOINT/.test(s))).toEqual([]);
      expect(clean.filter((s) => s === 'COMMIT').length).toBeLessThan(20);

      const runs = new Map<number, number>();
      const hooks: number[] = [];
      let results: PromiseSettledResult<number>[] = [];
      const failing = await statementsDuring(async () => {
        results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            db.transaction(async (tx) => {
              runs.set(i, (runs.get(i) ?? 0) + 1);
              await tx.execute('INSERT INTO g (id) VALUES (?)', [100 + i]);
              tx.afterCommit(() => hooks.push(i));
              // A duplicate key: the statement fails, and with it the optimistic group.
              if (i === 6) await tx.execute('INSERT INTO g (id) VALUES (?)', [100 + i]);
              return i;
            }),
          ),
        );
      });
      expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, (_, i) => (i === 6 ? 'rejected' : 'fulfilled')));
      expect(failing.some((s) => /^SAVEPOINT/.test(s))).toBe(true);
      // Members that ran before the failure in its group ran twice; every hook ran exactly once.
      expect([...runs.values()].some((n) => n === 2)).toBe(true);
      expect(hooks.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 7, 8, 9]);
      const ids = await db.transaction((tx) => tx.query<{ id: number }>('SELECT id FROM g WHERE id >= 100 ORDER BY id'));
      expect(ids.map((r) => r.id)).toEqual([100, 101, 102, 103, 104, 105, 107, 108, 109]);

      // A callback that catches its failed statement and returns normally is not committed (PostgreSQL
      // would answer its COMMIT with ROLLBACK) and does not take its group down with it.
      const swallowed = await Promise.allSettled(
        [200, 201, 202].map((id) =>
          db.transaction(async (tx) => {
            await tx.execute('INSERT INTO g (id) VALUES (?)', [id]);
            if (id === 202) await tx.execute('INSERT INTO g (id) VALUES (?)', [id]).catch(() => undefined);
          }),
        ),
      );
      expect(swallowed.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      const kept = await db.transaction((tx) => tx.query<{ id: number }>('SELECT id FROM g WHERE id >= 200 ORDER BY id'));
      expect(kept.map((r) => r.id)).toEqual([200, 201]);
      const alone = await open({ pool: { max: 2 }, maxGroupCommit: 1 });
      try {
        await expect(
          alone.transaction(async (tx) => {
            await tx.execute('INSERT INTO g (id) VALUES (?)', [300]);
            await tx.execute('INSERT INTO g (id) VALUES (?)', [300]).catch(() => undefined);
          }),
        ).rejects.toThrow(/duplicate key/);
      } finally {
        await alone.close();
      }
      expect(await db.transaction((tx) => tx.query('SELECT id FROM g WHERE id = 300'))).toEqual([]);

      // A member whose statement failed only because of another member's uncommitted write (the
      // same key) is not told that error when the group then fails as a whole: it did not commit
      // and must be retried, not, say, taken for a duplicate.
      await db.transaction((tx) => tx.execute('CREATE TABLE d (id INTEGER UNIQUE DEFERRABLE INITIALLY DEFERRED)'));
      const { GroupAborted } = await import('../../src/runtime/db/postgres.js');
      const outcome = await Promise.allSettled([
        db.transaction(async (tx) => {
          await tx.execute('INSERT INTO d (id) VALUES (1), (1)'); // fails at COMMIT, not before
          await tx.execute('INSERT INTO g (id) VALUES (400)');
        }),
        db.transaction((tx) => tx.execute('INSERT INTO g (id) VALUES (400)')),
        db.transaction((tx) => tx.execute('INSERT INTO g (id) VALUES (401)')),
      ]);
      expect(outcome.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      const second = (outcome[1] as PromiseRejectedResult).reason as { code?: string };
      expect(second).toBeInstanceOf(GroupAborted);
      expect(second.code).toBeUndefined();
      expect(await db.transaction((tx) => tx.query('SELECT id FROM g WHERE id >= 400'))).toEqual([]);
    } finally {
      await drop();
    }
  });
});
