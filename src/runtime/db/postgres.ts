// PostgreSQL adapter over a `pg` Pool. Every service gets its own schema (set as the search_path of
// every pooled connection), so the runtime's table names are the same in each service. `pg` is
// imported lazily: an SQLite-only project never loads it. The parts live in pg/: statement texts
// (sql-text.ts), the transaction (tx.ts), group commit (group-commit.ts), LISTEN/NOTIFY
// (notifications.ts); the settings read from the environment in from-env.ts.
import type { Pool, PoolConfig } from 'pg';
import type { Db, TransactionOptions, Tx } from './port.js';
import { postgresDialect } from './pg/dialect.js';
import { StatementCache, quoteIdent } from './pg/sql-text.js';
import { runAlone } from './pg/tx.js';
import { GroupCommit, type GroupCommitOptions } from './pg/group-commit.js';
import { Notifications } from './pg/notifications.js';

export { postgresDialect } from './pg/dialect.js';
export { toPositional } from './pg/sql-text.js';
export { GroupAborted } from '../faults.js';

export interface PostgresOptions {
  /** Schema that holds this service's tables; created if missing. Letters, digits and `_` only. */
  readonly schema: string;
  /** e.g. `postgres://postgres@127.0.0.1:5432/test`; or give `pool` settings instead. */
  readonly connectionString?: string;
  /** Extra pg Pool settings (host, user, max, ...). */
  readonly pool?: PoolConfig;
  /** Most transactions committed together by one COMMIT (group commit, see GroupCommit); 1 turns grouping off. Default 64. */
  readonly maxGroupCommit?: number;
  /**
   * Connections running commit groups at once. Default 1: two groups of one process running side
   * by side hold many members' row locks each, and on hot rows (a popular SKU's stock) they lock
   * in opposite orders and deadlock; one group at a time cannot, and costs about 5 % throughput
   * (docs/benchmarks.md). More are for stores without hot rows.
   */
  readonly groupConnections?: number;
  /**
   * false: do not create a missing schema but fail (code 3F000, invalid_schema_name): tools that
   * read a service's database (ops) must not leave an empty schema behind. Default true.
   */
  readonly createSchema?: boolean;
}

/** Group commit is on by default: it halved PostgreSQL's CPU per order (docs/runtime.md). */
export const DEFAULT_GROUP_COMMIT = 64;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export class PostgresDb implements Db {
  readonly dialect = postgresDialect;
  readonly location: string;
  private readonly statements = new StatementCache();
  private readonly groups: GroupCommit;
  private readonly notifications: Notifications;
  private readonly grouping: boolean;

  constructor(
    /** The underlying pool (every connection has the service schema as its search_path). */
    readonly pool: Pool,
    readonly schema: string,
    /** Group commit: most transactions per COMMIT (1: off), and connections running groups at once. */
    group: GroupCommitOptions = { maxBatch: 1, connections: 1 },
  ) {
    this.location = schema;
    this.grouping = group.maxBatch > 1;
    this.groups = new GroupCommit(pool, this.statements, group);
    this.notifications = new Notifications(pool);
  }

  /** Physical COMMITs of grouped transactions so far (each may carry several transactions). */
  get commits(): number {
    return this.groups.commits;
  }

  /** Grouped transactions committed so far. */
  get transactions(): number {
    return this.groups.transactions;
  }

  /** @internal */
  positional(sql: string): string {
    return this.statements.positional(sql);
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (!this.grouping || options?.alone === true) return this.alone(fn);
    return this.groups.enqueue(fn);
  }

  /** One transaction on its own connection. */
  private async alone<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const outcome = await runAlone(client, this.statements, fn);
    // A connection whose ROLLBACK failed is in an unknown state: destroy it instead of reusing it.
    client.release('broken' in outcome ? outcome.broken : undefined);
    if ('error' in outcome) throw outcome.error;
    return outcome.result;
  }

  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    return this.notifications.listen(channel, onNotify);
  }

  notify(tx: Tx, channel: string): Promise<void> {
    return this.notifications.notify(tx, channel);
  }

  /** Drops the service schema and everything in it (tests, teardown of ephemeral environments). */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(this.schema)} CASCADE`);
  }

  async close(): Promise<void> {
    await this.groups.idle();
    this.notifications.close();
    await this.pool.end();
  }
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
    if (options.createSchema === false) {
      const found = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [options.schema]);
      if (found.rowCount === 0) throw Object.assign(new Error(`schema "${options.schema}" does not exist`), { code: '3F000' });
    } else {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
    }
  } catch (error) {
    // Two services creating the same schema at once race on the catalog; the loser can go on.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') {
      await pool.end();
      throw error;
    }
  }
  const maxBatch = options.maxGroupCommit ?? DEFAULT_GROUP_COMMIT;
  // One connection of the pool listens for outbox notifications and one is left for transactions
  // that run alone (the relay's), so groups can never take more than the rest.
  const connections = Math.min(options.groupConnections ?? 1, Math.max(1, (options.pool?.max ?? 10) - 2));
  return new PostgresDb(pool, options.schema, {
    maxBatch: Number.isFinite(maxBatch) ? maxBatch : 1,
    connections: Number.isFinite(connections) ? connections : 1,
  });
}
