// SQLite adapter over better-sqlite3 (synchronous). One connection per service database, WAL
// journal with synchronous=NORMAL (durable across process crashes, may lose the last commits on
// power loss: the usual trade for an embedded event store), BEGIN IMMEDIATE so a transaction takes
// the write lock up front instead of failing with SQLITE_BUSY half-way, statements prepared once.
import Database from 'better-sqlite3';
import { Mutex } from '../mutex.js';
import type { Db, Dialect, Row, SqlValue, Tx } from './port.js';

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  serialPrimaryKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  bigint: 'INTEGER',
  claimSuffix: '',
  jsonFieldEquals: (column, field) => `(${column} -> '$.${field.replace(/[^A-Za-z0-9_]/g, '')}') = json(?)`,
};

export interface SqliteOptions {
  /** Path of the database file, or ':memory:'. */
  readonly file: string;
  /** Milliseconds to wait for another process's write lock. Default 5000. */
  readonly busyTimeoutMs?: number;
}

type Statement = Database.Statement<unknown[], unknown>;

class SqliteTx implements Tx {
  readonly locals = new Map<string, unknown>();
  readonly commitHooks: (() => void)[] = [];
  readonly dialect = sqliteDialect;

  constructor(private readonly db: SqliteDb) {}

  async query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    const statement = this.db.prepare(sql);
    const bound = bind(params);
    if (statement.reader) return statement.all(...bound) as R[];
    statement.run(...bound);
    return [];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const statement = this.db.prepare(sql);
    const bound = bind(params);
    if (statement.reader) return statement.all(...bound).length;
    return statement.run(...bound).changes;
  }

  afterCommit(fn: () => void): void {
    this.commitHooks.push(fn);
  }
}

function bind(params: readonly SqlValue[]): unknown[] {
  return params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
}

export class SqliteDb implements Db {
  readonly dialect = sqliteDialect;
  readonly location: string;
  /** The underlying better-sqlite3 connection (for benchmarks and maintenance). */
  readonly raw: Database.Database;
  private readonly mutex = new Mutex();
  private readonly statements = new Map<string, Statement>();
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly rollback: Statement;

  constructor(options: SqliteOptions) {
    this.location = options.file;
    this.raw = new Database(options.file);
    this.raw.pragma('journal_mode = WAL');
    this.raw.pragma('synchronous = NORMAL');
    this.raw.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    this.raw.pragma('foreign_keys = ON');
    this.begin = this.raw.prepare('BEGIN IMMEDIATE');
    this.commit = this.raw.prepare('COMMIT');
    this.rollback = this.raw.prepare('ROLLBACK');
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
    return this.mutex.run(async () => {
      const tx = new SqliteTx(this);
      this.begin.run();
      let result: T;
      try {
        result = await fn(tx);
      } catch (error) {
        if (this.raw.inTransaction) this.rollback.run();
        throw error;
      }
      this.commit.run();
      for (const hook of tx.commitHooks) hook();
      return result;
    });
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => {
      if (this.raw.open) this.raw.close();
    });
  }
}

export function openSqlite(options: SqliteOptions | string): SqliteDb {
  return new SqliteDb(typeof options === 'string' ? { file: options } : options);
}
