// PostgreSQL adapter over a `pg` Pool. Every service gets its own schema (set as the search_path of
// every pooled connection), so the runtime's table names are the same in each service. `pg` is
// imported lazily: an SQLite-only project never loads it.
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { Db, Dialect, Row, SqlValue, Tx } from './port.js';

export const postgresDialect: Dialect = {
  name: 'postgres',
  serialPrimaryKey: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  bigint: 'BIGINT',
  clusteredTableSuffix: '',
  claimSuffix: ' FOR UPDATE SKIP LOCKED',
  jsonFieldEquals: (column, field) => `((${column})::jsonb -> '${field.replace(/[^A-Za-z0-9_]/g, '')}') = (?)::jsonb`,
};

export interface PostgresOptions {
  /** Schema that holds this service's tables; created if missing. Letters, digits and `_` only. */
  readonly schema: string;
  /** e.g. `postgres://postgres@127.0.0.1:5432/test`; or give `pool` settings instead. */
  readonly connectionString?: string;
  /** Extra pg Pool settings (host, user, max, ...). */
  readonly pool?: PoolConfig;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Rewrites `?` placeholders to `$1..$n`, leaving `?` alone inside quoted strings, quoted identifiers
 * and comments. (PostgreSQL's own jsonb `?` operators therefore cannot be used in runtime SQL; use
 * `jsonb_exists()` instead.)
 */
export function toPositional(sql: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      n += 1;
      out += `$${n}`;
    } else {
      out += c;
    }
  }
  return out;
}

class PostgresTx implements Tx {
  readonly locals = new Map<string, unknown>();
  readonly commitHooks: (() => void)[] = [];
  readonly dialect = postgresDialect;

  constructor(
    private readonly client: PoolClient,
    private readonly db: PostgresDb,
  ) {}

  async query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    const result = await this.client.query(this.db.positional(sql), params as unknown[]);
    return (result.rows ?? []) as R[];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const result = await this.client.query(this.db.positional(sql), params as unknown[]);
    return result.rowCount ?? 0;
  }

  afterCommit(fn: () => void): void {
    this.commitHooks.push(fn);
  }
}

export class PostgresDb implements Db {
  readonly dialect = postgresDialect;
  readonly location: string;
  private readonly rewritten = new Map<string, string>();
  private readonly listeners = new Set<PoolClient>();

  constructor(
    /** The underlying pool (every connection has the service schema as its search_path). */
    readonly pool: Pool,
    readonly schema: string,
  ) {
    this.location = schema;
  }

  /** @internal */
  positional(sql: string): string {
    let text = this.rewritten.get(sql);
    if (text === undefined) {
      text = toPositional(sql);
      this.rewritten.set(sql, text);
    }
    return text;
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const tx = new PostgresTx(client, this);
      let result: T;
      try {
        result = await fn(tx);
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError as Error;
        });
        throw error;
      }
      await client.query('COMMIT');
      for (const hook of tx.commitHooks) hook();
      return result;
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: destroy it instead of reusing it.
      client.release(broken);
    }
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    const client = await this.pool.connect();
    this.listeners.add(client);
    const handler = (message: { channel: string }): void => {
      if (message.channel === channel) onNotify();
    };
    client.on('notification', handler);
    await client.query(`LISTEN ${quoteIdent(channel)}`);
    return async () => {
      if (!this.listeners.delete(client)) return;
      client.off('notification', handler);
      try {
        await client.query(`UNLISTEN ${quoteIdent(channel)}`);
        client.release();
      } catch (error) {
        client.release(error as Error);
      }
    };
  }

  async notify(tx: Tx, channel: string): Promise<void> {
    const flag = `notify:${channel}`;
    if (tx.locals.has(flag)) return;
    tx.locals.set(flag, true);
    await tx.query("SELECT pg_notify(?, '')", [channel]);
  }

  /** Drops the service schema and everything in it (tests, teardown of ephemeral environments). */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(this.schema)} CASCADE`);
  }

  async close(): Promise<void> {
    for (const client of this.listeners) client.release();
    this.listeners.clear();
    await this.pool.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function openPostgres(options: PostgresOptions): Promise<PostgresDb> {
  if (!SCHEMA_NAME.test(options.schema)) {
    throw new Error(`invalid schema name ${JSON.stringify(options.schema)}: use letters, digits and _`);
  }
  if (options.pool?.max !== undefined && options.pool.max < 2) {
    // The relay keeps one connection LISTENing; with a single connection nothing else could run.
    throw new Error(`pool.max must be at least 2 (one connection listens for outbox notifications), got ${options.pool.max}`);
  }
  const pg = await import('pg');
  const PoolClass = pg.default.Pool;
  const config: PoolConfig = {
    ...(options.connectionString === undefined ? {} : { connectionString: options.connectionString }),
    ...options.pool,
    options: `-c search_path=${options.schema}`,
  };
  const pool = new PoolClass(config);
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
  } catch (error) {
    // Two services creating the same schema at once race on the catalog; the loser can go on.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') {
      await pool.end();
      throw error;
    }
  }
  return new PostgresDb(pool, options.schema);
}
