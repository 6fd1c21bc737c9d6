// SQLite adapter over better-sqlite3 (synchronous). One connection per service database, WAL
// journal with synchronous=NORMAL (durable across process crashes, may lose the last commits on
// power loss: the usual trade for an embedded event store), BEGIN IMMEDIATE so a transaction takes
// the write lock up front instead of failing with SQLITE_BUSY half-way, statements prepared once,
// and group commit (see SqliteDb).
import Database from 'better-sqlite3';
import type { Db, Dialect, Row, SqlValue, Tx } from './port.js';

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  serialPrimaryKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  bigint: 'INTEGER',
  clusteredTableSuffix: ' WITHOUT ROWID',
  claimSuffix: '',
  rowLockSuffix: '',
  jsonFieldEquals: (column, field) => `(${column} -> '$.${field.replace(/[^A-Za-z0-9_]/g, '')}') = json(?)`,
};

export interface SqliteOptions {
  /** Path of the database file, or ':memory:'. */
  readonly file: string;
  /** Milliseconds to wait for another process's write lock. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Extra PRAGMAs applied after the defaults (e.g. `{ wal_autocheckpoint: 10000 }`). */
  readonly pragmas?: Readonly<Record<string, string | number>>;
  /** Most transactions committed together by one COMMIT (group commit). 1 turns grouping off. Default 256. */
  readonly maxGroupCommit?: number;
  /** Fail (SQLITE_CANTOPEN) instead of creating a missing file: tools that read a service's database (ops). */
  readonly mustExist?: boolean;
}

type Statement = Database.Statement<unknown[], unknown>;

// Taken at load, so that a test's fake timers (which replace the global setImmediate) cannot stall
// every database of the process.
const realSetImmediate = setImmediate;

/**
 * Resolves in the check phase of the current event-loop turn, after every I/O callback of its poll
 * phase. Transactions are asked for from those callbacks (an HTTP request each, a broker delivery
 * each) and from the microtasks they start; a batch started at once would hold only the first of
 * them and commit it alone. Measured on the generated order system over HTTP (64 clients, one
 * process): 24 physical COMMITs per order before, 0.3 after, and 2.5x less server CPU per order;
 * when there is nothing else to share a batch with, it costs one turn (microseconds). Yielding
 * again between batches lets the requests that came in meanwhile join the next one.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

class SqliteTx implements Tx {
  readonly locals = new Map<string, unknown>();
  readonly commitHooks: (() => void)[] = [];
  readonly dialect = sqliteDialect;

  constructor(private readonly db: SqliteDb) {}

  async query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    const statement = this.db.prepare(sql);
    const bound = bind(params);
    if (statement.reader) return statement.all(bound) as R[];
    statement.run(bound);
    return [];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const statement = this.db.prepare(sql);
    const bound = bind(params);
    if (statement.reader) return statement.all(bound).length;
    return statement.run(bound).changes;
  }

  afterCommit(fn: () => void): void {
    this.commitHooks.push(fn);
  }
}

/** SQLite has no booleans: bind them as 1/0. Copies only when there is one (the rare case). */
function bind(params: readonly SqlValue[]): readonly unknown[] {
  for (const value of params) {
    if (typeof value === 'boolean') return params.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
  }
  return params;
}

interface Job {
  readonly fn: (tx: Tx) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Transactions on one connection run one after another (better-sqlite3 is synchronous, our
 * callbacks are async). While one runs, the others queue; the queued ones then run in the SAME
 * physical transaction, each inside its own SAVEPOINT, and the batch is committed once ("group
 * commit"). Each caller's promise settles only after that COMMIT, so no caller ever sees its work
 * acknowledged before it is durable, and a failing callback rolls back to its savepoint without
 * touching the others. Nothing waits for a batch to fill, but a batch starts only once the current
 * turn of the event loop is over (see nextTurn), so that everything that turn asked for shares it.
 * (Hand-written: no library does group commit for better-sqlite3.)
 */
export class SqliteDb implements Db {
  readonly dialect = sqliteDialect;
  readonly location: string;
  /** The underlying better-sqlite3 connection (for benchmarks and maintenance). */
  readonly raw: Database.Database;
  /** Physical COMMITs so far (each may carry several transactions). */
  commits = 0;
  /** Transactions committed so far. */
  transactions = 0;
  private readonly statements = new Map<string, Statement>();
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly rollback: Statement;
  private readonly savepoint: Statement;
  private readonly release: Statement;
  private readonly rollbackTo: Statement;
  private readonly maxBatch: number;
  private readonly queue: Job[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(options: SqliteOptions) {
    this.location = options.file;
    this.maxBatch = Math.max(1, options.maxGroupCommit ?? 256);
    this.raw = new Database(options.file, options.mustExist === true ? { fileMustExist: true } : {});
    this.raw.pragma('journal_mode = WAL');
    this.raw.pragma('synchronous = NORMAL');
    this.raw.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    this.raw.pragma('foreign_keys = ON');
    // Checkpoint every ~40 MB of WAL instead of 4 MB: pages rewritten by consecutive commits (the
    // outbox, inbox and saga tables' hot pages) are copied back once, not each time (~6% less CPU
    // per order in bench/runtime-sqlite.mjs). The WAL file is kept at most 64 MB after a checkpoint.
    this.raw.pragma('wal_autocheckpoint = 10000');
    this.raw.pragma('journal_size_limit = 67108864');
    // Page cache of up to 16 MB (default 2 MB): the hot outbox/inbox/saga pages stay in memory
    // (~6% less CPU per order, measured). Memory is taken only as the database grows.
    this.raw.pragma('cache_size = -16384');
    for (const [name, value] of Object.entries(options.pragmas ?? {})) this.raw.pragma(`${name} = ${value}`);
    this.begin = this.raw.prepare('BEGIN IMMEDIATE');
    this.commit = this.raw.prepare('COMMIT');
    this.rollback = this.raw.prepare('ROLLBACK');
    this.savepoint = this.raw.prepare('SAVEPOINT edasaga_tx');
    this.release = this.raw.prepare('RELEASE edasaga_tx');
    this.rollbackTo = this.raw.prepare('ROLLBACK TO edasaga_tx');
  }

  /** @internal Prepared statements are cached by their SQL text. */
  prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.raw.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`database ${this.location} is closed`));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      this.draining ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      await nextTurn();
      while (this.queue.length > 0) {
        await this.runBatch();
        if (this.queue.length > 0) await nextTurn();
      }
    } finally {
      this.draining = undefined;
    }
  }

  private async runBatch(): Promise<void> {
    try {
      this.begin.run();
    } catch (error) {
      // Could not get the write lock (another process held it past busy_timeout): fail one caller.
      this.queue.shift()?.reject(error);
      return;
    }
    const done: { job: Job; result: unknown; hooks: (() => void)[] }[] = [];
    for (let count = 0; count < this.maxBatch; count++) {
      const job = this.queue.shift();
      if (job === undefined) break;
      const tx = new SqliteTx(this);
      this.savepoint.run();
      try {
        const result = await job.fn(tx);
        this.release.run();
        done.push({ job, result, hooks: tx.commitHooks });
      } catch (error) {
        if (!this.raw.inTransaction) {
          // SQLite rolled the whole transaction back (I/O error, disk full): everything in it is lost.
          job.reject(error);
          for (const entry of done) entry.job.reject(error);
          return;
        }
        this.rollbackTo.run();
        this.release.run();
        job.reject(error);
      }
    }
    try {
      this.commit.run();
    } catch (error) {
      if (this.raw.inTransaction) this.rollback.run();
      for (const entry of done) entry.job.reject(error);
      return;
    }
    this.commits += 1;
    this.transactions += done.length;
    for (const entry of done) {
      for (const hook of entry.hooks) hook();
      entry.job.resolve(entry.result);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.draining !== undefined) await this.draining;
    if (this.raw.open) this.raw.close();
  }
}

export function openSqlite(options: SqliteOptions | string): SqliteDb {
  return new SqliteDb(typeof options === 'string' ? { file: options } : options);
}
