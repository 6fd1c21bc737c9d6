// PostgreSQL adapter over a `pg` Pool. Every service gets its own schema (set as the search_path of
// every pooled connection), so the runtime's table names are the same in each service. `pg` is
// imported lazily: an SQLite-only project never loads it.
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { Db, Dialect, Row, SqlValue, TransactionOptions, Tx } from './port.js';

export const postgresDialect: Dialect = {
  name: 'postgres',
  serialPrimaryKey: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  bigint: 'BIGINT',
  clusteredTableSuffix: '',
  claimSuffix: ' FOR UPDATE SKIP LOCKED',
  rowLockSuffix: ' FOR UPDATE',
  jsonFieldEquals: (column, field) => `((${column})::jsonb -> '${field.replace(/[^A-Za-z0-9_]/g, '')}') = (?)::jsonb`,
};

export interface PostgresOptions {
  /** Schema that holds this service's tables; created if missing. Letters, digits and `_` only. */
  readonly schema: string;
  /** e.g. `postgres://postgres@127.0.0.1:5432/test`; or give `pool` settings instead. */
  readonly connectionString?: string;
  /** Extra pg Pool settings (host, user, max, ...). */
  readonly pool?: PoolConfig;
  /**
   * Most transactions committed together by one COMMIT (group commit, see PostgresDb); 1 turns
   * grouping off. Default: the environment variable EDASAGA_PG_GROUP_COMMIT, else 64.
   */
  readonly maxGroupCommit?: number;
}

/** Group commit is on by default: it halved PostgreSQL's CPU per order (docs/runtime.md). */
const DEFAULT_GROUP_COMMIT = 64;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Rewrites `?` placeholders to `$1..$n`, leaving `?` alone inside quoted strings, quoted identifiers
 * and comments. (PostgreSQL's own jsonb `?` operators therefore cannot be used in runtime SQL; use
 * `jsonb_exists()` instead.)
 */
export function toPositional(sql: string): string {
  const parts = splitAtPlaceholders(sql);
  return parts.reduce((out, part, index) => (index === 0 ? part : `${out}$${index}${part}`), '');
}

/** The SQL around its `?` placeholders: n placeholders give n + 1 parts (quotes and comments skipped). */
function splitAtPlaceholders(sql: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      i = (end < 0 ? sql.length : end + 1) - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = (end < 0 ? sql.length : end) - 1;
    } else if (c === '?') {
      parts.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(sql.slice(start));
  return parts;
}

type QueryResultLike = { rows?: Row[]; rowCount?: number | null };

/**
 * Runs `send` with the connection's socket corked. pg writes the messages of an extended-protocol
 * query (Parse, Bind, Describe, Execute, Sync) one `write()` each, and each became its own system
 * call, the services' largest CPU item; corked, the whole query leaves in one `writev`. pg puts a
 * query on the wire synchronously inside `client.query()` when the connection is idle (ours is:
 * one transaction per connection), so uncorking right after the call sends everything.
 */
function corked<T>(client: PoolClient, send: () => T): T {
  const stream = (client as PoolClient & { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
  stream?.cork?.();
  try {
    return send();
  } finally {
    stream?.uncork?.();
  }
}

class PostgresTx implements Tx {
  readonly locals = new Map<string, unknown>();
  readonly commitHooks: (() => void)[] = [];
  readonly dialect = postgresDialect;

  /**
   * Statements not sent yet, as SQL with their values written in: the BEGIN, and writes whose result
   * nobody waits for (see `defer`). They go to the server in ONE round trip together with the next
   * statement or the COMMIT: a handler's transaction costs a few round trips instead of one per
   * statement plus two, which on a busy machine is most of its time and much of its CPU.
   */
  private queued: string[];
  /** BEGIN has gone to the server: ending the transaction needs a COMMIT or ROLLBACK. */
  begun = false;
  /** Something was sent to the server (in a group: its SAVEPOINT exists there). */
  sent = false;
  /**
   * The first statement error, even when the callback caught it: the server has aborted the
   * transaction then, and a COMMIT would quietly roll it back (and a group with it), so it must
   * never be reported as committed.
   */
  private failed: { readonly error: unknown } | undefined;

  constructor(
    private readonly client: PoolClient,
    private readonly db: PostgresDb,
    /** What to send before the first statement: BEGIN, or in a group (BEGIN and) a SAVEPOINT. */
    prefix: readonly string[] = ['BEGIN'],
  ) {
    this.queued = [...prefix];
  }

  /** @internal Statements queued and not sent yet. */
  get unsent(): number {
    return this.queued.length;
  }

  async query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return ((await this.run(sql, params)).rows ?? []) as R[];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.run(sql, params)).rowCount ?? 0;
  }

  /**
   * Queues a write whose result is not needed; it is sent with the next statement or the COMMIT, in
   * order, so later statements see it. Its error (a constraint, say) fails that statement or the
   * commit instead, which rolls the transaction back all the same.
   */
  defer(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    const text = this.db.inline(sql, params, this.client);
    if (text === undefined) return this.execute(sql, params).then(() => undefined);
    this.queued.push(text);
    return Promise.resolve();
  }

  private async run(sql: string, params: readonly SqlValue[]): Promise<QueryResultLike> {
    // Later statements of an aborted transaction would only fail with "transaction is aborted":
    // answer with the cause instead.
    if (this.failed !== undefined) throw this.failed.error;
    if (this.queued.length > 0) {
      const text = this.db.inline(sql, params, this.client);
      if (text !== undefined) return this.send(text);
      await this.send();
    }
    this.sent = true;
    try {
      return await corked(this.client, () => this.client.query(this.db.statement(sql, params)));
    } catch (error) {
      this.failed ??= { error };
      throw error;
    }
  }

  /** Sends what is queued (and `last`) as one simple-protocol query; returns the last statement's result. */
  private async send(last?: string): Promise<QueryResultLike> {
    if (this.failed !== undefined) throw this.failed.error;
    const texts = last === undefined ? this.queued : [...this.queued, last];
    this.queued = [];
    if (texts[0] === 'BEGIN') this.begun = true;
    this.sent = true;
    let result: QueryResultLike | QueryResultLike[];
    try {
      result = (await this.client.query(texts.join('\n;\n'))) as unknown as QueryResultLike | QueryResultLike[];
    } catch (error) {
      this.failed ??= { error };
      throw error;
    }
    const final: QueryResultLike & { command?: string } = Array.isArray(result) ? (result[result.length - 1] ?? {}) : result;
    // PostgreSQL answers a COMMIT of an aborted transaction with ROLLBACK, not with an error.
    if (texts[texts.length - 1]?.endsWith('COMMIT') && final.command === 'ROLLBACK') {
      const error = new Error('the transaction was rolled back instead of committed: one of its statements had failed');
      this.failed = { error };
      throw error;
    }
    return final;
  }

  /** @internal Throws the first statement error, also one the callback caught (see `failed`). */
  assertHealthy(): void {
    if (this.failed !== undefined) throw this.failed.error;
  }

  /** @internal Hands over the statements queued and not sent (they leave with the next member of a group). */
  takeQueued(): string[] {
    const queued = this.queued;
    this.queued = [];
    return queued;
  }

  /** @internal Sends what is queued, then `tail`, in one round trip (the end of a grouped transaction). */
  async flush(tail: readonly string[]): Promise<void> {
    await this.send(tail.join('\n;\n'));
  }

  /** @internal Commits (with whatever is still queued); a transaction that never sent anything costs nothing. */
  async commit(): Promise<void> {
    if (!this.begun && this.queued.length <= 1) {
      this.queued = [];
      return;
    }
    await this.send('COMMIT');
  }

  afterCommit(fn: () => void): void {
    this.commitHooks.push(fn);
  }
}

/** Distinct statement texts a Db prepares at most; texts beyond it (e.g. ever-new IN lists) run unnamed. */
const MAX_PREPARED = 256;
/** Only plain DML is prepared: DDL cannot be, and `*` would break when a migration adds a column. */
const PREPARABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;
const STAR = /(^|[\s,])\*(\s|,|$)/;

interface Statement {
  readonly text: string;
  /** Set for hot statements: pg prepares it once per connection, and later runs skip parse and plan. */
  readonly name: string | undefined;
  /** The SQL around its placeholders (for writing values in). */
  readonly parts: readonly string[];
}

/**
 * A value as an SQL literal of unknown type, which PostgreSQL types from its context exactly as it
 * types an untyped parameter: the same text pg would send as the parameter, quoted.
 */
function literal(value: SqlValue, client: PoolClient): string | undefined {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'string':
      return value.includes('\u0000') ? undefined : client.escapeLiteral(value);
    case 'number':
      return Number.isFinite(value) ? `'${value}'` : undefined;
    case 'bigint':
      return `'${value}'`;
    case 'boolean':
      return value ? "'true'" : "'false'";
    default:
      return value instanceof Uint8Array ? client.escapeLiteral(`\\x${Buffer.from(value).toString('hex')}`) : undefined;
  }
}

export class PostgresDb implements Db {
  readonly dialect = postgresDialect;
  readonly location: string;
  private readonly statements = new Map<string, Statement>();
  private prepared = 0;
  private readonly listeners = new Set<PoolClient>();
  /** Backend process ids of this pool's connections: their own NOTIFYs need no wake-up (see listen). */
  private readonly ownBackends = new Set<number>();

  /** Physical COMMITs of grouped transactions so far (each may carry several transactions). */
  commits = 0;
  /** Grouped transactions committed so far. */
  transactions = 0;
  private readonly maxBatch: number;
  private readonly maxRunners: number;
  private readonly queue: GroupJob[] = [];
  private readonly runners = new Set<Promise<void>>();

  constructor(
    /** The underlying pool (every connection has the service schema as its search_path). */
    readonly pool: Pool,
    readonly schema: string,
    /** Group commit: most transactions per COMMIT (1: off), and connections running groups at once. */
    group: { readonly maxBatch: number; readonly connections: number } = { maxBatch: 1, connections: 1 },
  ) {
    this.location = schema;
    this.maxBatch = Math.max(1, Math.floor(group.maxBatch));
    this.maxRunners = Math.max(1, Math.floor(group.connections));
    pool.on('connect', (client) => {
      const pid = (client as PoolClient & { processID?: number | null }).processID;
      if (typeof pid === 'number') this.ownBackends.add(pid);
    });
    pool.on('remove', (client) => {
      const pid = (client as PoolClient & { processID?: number | null }).processID;
      if (typeof pid === 'number') this.ownBackends.delete(pid);
    });
  }

  /** @internal */
  positional(sql: string): string {
    return this.compiled(sql).text;
  }

  /** @internal The pg query config for `sql`: positional placeholders, and a name for hot statements. */
  statement(sql: string, params: readonly SqlValue[]): { text: string; values: unknown[]; name?: string } {
    const { text, name } = this.compiled(sql);
    return name === undefined ? { text, values: params as unknown[] } : { text, values: params as unknown[], name };
  }

  /** @internal `sql` with its values written in as literals; undefined when a value cannot be. */
  inline(sql: string, params: readonly SqlValue[], client: PoolClient): string | undefined {
    const { parts } = this.compiled(sql);
    if (parts.length !== params.length + 1) return undefined;
    let out = parts[0] ?? '';
    for (let i = 0; i < params.length; i++) {
      const value = literal(params[i] ?? null, client);
      if (value === undefined) return undefined;
      out += value + (parts[i + 1] ?? '');
    }
    return out;
  }

  private compiled(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      const parts = splitAtPlaceholders(sql);
      const text = toPositional(sql);
      const name = this.prepared < MAX_PREPARED && PREPARABLE.test(text) && !STAR.test(text) ? `edasaga_${(this.prepared += 1)}` : undefined;
      statement = { text, name, parts };
      // Unnamed texts are cached too, but only up to a bound, so ever-new texts cannot grow the map forever.
      if (name !== undefined || this.statements.size < MAX_PREPARED * 4) this.statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (this.maxBatch <= 1 || options?.alone === true) return this.alone(fn);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      this.startRunner();
    });
  }

  private startRunner(): void {
    if (this.queue.length === 0 || this.runners.size >= this.maxRunners) return;
    const runner: Promise<void> = this.runGroups().finally(() => {
      this.runners.delete(runner);
      this.startRunner();
    });
    this.runners.add(runner);
  }

  /** One connection running groups while transactions are queued. */
  private async runGroups(): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.queue.shift()?.reject(error);
      return;
    }
    let broken: Error | undefined;
    try {
      while (this.queue.length > 0 && broken === undefined) broken = await this.runGroup(client);
    } finally {
      client.release(broken);
    }
  }

  /**
   * Group commit (as in SqliteDb): the transactions queued for this Db run one after another on one
   * connection, in ONE PostgreSQL transaction, and one COMMIT ends them all. Every caller's promise
   * settles only after that COMMIT (nothing is acknowledged before it is durable). Up to
   * `connections` groups run at once; nothing waits for a group to fill.
   *
   * A group first runs optimistically, without savepoints: almost every member succeeds, and a
   * SAVEPOINT and RELEASE per member were a third of all statements an order cost (and past 64
   * written-to savepoints PostgreSQL's subtransaction cache overflows, which slows every snapshot
   * on the server). When a member fails (its callback throws, a statement or the COMMIT fails), the
   * group is rolled back and the members tried so far run again, each in its own SAVEPOINT (see
   * runIsolated), so the failing one fails alone. A callback may therefore run more than once, as
   * on any retried transaction: only its database writes and afterCommit hooks take effect, once.
   * Returns an error when the connection is in an unknown state (it is then destroyed).
   * (Hand-written: pg has no group commit.)
   */
  private async runGroup(client: PoolClient): Promise<Error | undefined> {
    const tried: GroupJob[] = [];
    const done: Finished[] = [];
    // Statements queued and not sent yet: BEGIN until it has gone out, and a member's writes nobody
    // waited for, which travel with the next member's first statement (or the COMMIT) instead of
    // costing a round trip of their own. In an optimistic group a failing statement fails the group
    // whichever member sent it, so carrying them over loses nothing.
    let pending: string[] = ['BEGIN'];
    let begun = false;
    const fallBack = async (error: unknown): Promise<Error | undefined> => {
      // Also when nothing was sent: a ROLLBACK outside a transaction is only a warning.
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // Which member failed is unknown now: none of them may take the error as its own.
        for (const member of tried) member.reject(tried.length === 1 ? error : new GroupAborted(error));
        return rollbackError as Error;
      }
      // Alone, it has failed by itself; otherwise find out which member it was.
      if (tried.length === 1) {
        tried[0]?.reject(error);
        return undefined;
      }
      return this.runIsolated(client, tried);
    };
    /** Sends what is pending and COMMIT, if the group did anything. */
    const commit = async (): Promise<void> => {
      if (!begun && pending.every((text) => text === 'BEGIN')) return;
      await new PostgresTx(client, this, pending).flush(['COMMIT']);
      this.commits += 1;
    };
    for (let count = 0; count < this.maxBatch; count++) {
      const job = this.queue.shift();
      if (job === undefined) break;
      tried.push(job);
      const tx = new PostgresTx(client, this, pending);
      try {
        const result = await job.fn(tx);
        tx.assertHealthy();
        if (tx.sent) begun = true;
        pending = tx.takeQueued();
        done.push({ job, result, hooks: tx.commitHooks });
        if (this.queue.length === 0 || count + 1 >= this.maxBatch) break;
      } catch (error) {
        return fallBack(error);
      }
    }
    // The group is full, the queue empty, or another runner took what was queued meanwhile.
    try {
      await commit();
    } catch (error) {
      return fallBack(error);
    }
    this.settle(done);
    return undefined;
  }

  /** Runs the commit hooks of a committed group's members, then answers their callers. */
  private settle(done: readonly Finished[]): void {
    this.transactions += done.length;
    for (const entry of done) {
      for (const hook of entry.hooks) {
        // Hooks are signals (a relay wake-up): one that throws cannot undo the commit, nor keep
        // the callers from hearing of it.
        try {
          hook();
        } catch {
          // see above
        }
      }
      entry.job.resolve(entry.result);
    }
  }

  /**
   * The members of a group that failed, again in one transaction, each in its own SAVEPOINT, and
   * more from the queue after them: a failing member rolls back to its savepoint and leaves the
   * others alone; if the COMMIT fails, all of them fail. The savepoint statements travel with the callbacks' own statements (no round trip
   * of their own), and the last callback's writes, RELEASE and COMMIT go together.
   */
  private async runIsolated(client: PoolClient, jobs: readonly GroupJob[]): Promise<Error | undefined> {
    const done: Finished[] = [];
    let begun = false;
    let committed = false;
    // The members tried already, then (as in an optimistic group) more from the queue.
    const retried = [...jobs];
    // Members whose own statements failed, answered once the group's fate is known: a failure can
    // depend on the others' uncommitted writes (a unique key one of them inserted), so it is only
    // theirs to report if those writes commit.
    const failed: { readonly job: GroupJob; readonly error: unknown }[] = [];
    const failAll = async (error: unknown, current?: GroupJob): Promise<Error | undefined> => {
      let broken: Error | undefined;
      if (begun && !committed) await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError as Error));
      // None of them, not even the current one, may take the error as its own: it may stem from the
      // others' writes, which are gone now. Their callers retry (a delivery is redelivered).
      const aborted = new GroupAborted(error);
      current?.reject(aborted);
      for (const entry of done) entry.job.reject(aborted);
      for (const entry of failed) entry.job.reject(aborted);
      for (const job of retried.splice(0)) job.reject(aborted);
      return broken;
    };
    for (let count = 0; count < Math.max(this.maxBatch, retried.length); count++) {
      const job = retried.shift() ?? this.queue.shift();
      if (job === undefined) break;
      const prefix = begun ? [SAVEPOINT] : ['BEGIN', SAVEPOINT];
      const tx = new PostgresTx(client, this, prefix);
      let result: unknown;
      try {
        result = await job.fn(tx);
      } catch (error) {
        if (tx.sent) {
          begun = true;
          try {
            await client.query(`${ROLLBACK_TO}\n;\n${RELEASE}`);
          } catch {
            return failAll(error, job);
          }
        }
        failed.push({ job, error });
        continue;
      }
      if (!tx.sent && tx.unsent === prefix.length) {
        // Sent nothing and queued nothing: nothing to undo or to commit for it.
        done.push({ job, result, hooks: tx.commitHooks });
        continue;
      }
      const last = retried.length === 0 && (this.queue.length === 0 || count + 1 >= this.maxBatch);
      try {
        await tx.flush(last ? [RELEASE, 'COMMIT'] : [RELEASE]);
        begun = true;
        committed = last;
      } catch (error) {
        begun = true;
        // Its own writes failed (its savepoint still exists): undo them alone and go on. Otherwise
        // (the COMMIT failed, the connection broke) the recovery fails too, and so does the group.
        try {
          await client.query([ROLLBACK_TO, RELEASE, ...(last ? ['COMMIT'] : [])].join('\n;\n'));
          committed = last;
        } catch {
          return failAll(error, job);
        }
        failed.push({ job, error });
        if (committed) break;
        continue;
      }
      done.push({ job, result, hooks: tx.commitHooks });
      if (committed) break;
    }
    if (begun && !committed) {
      try {
        await commitOpen(client);
      } catch (error) {
        return failAll(error);
      }
    }
    if (begun) this.commits += 1;
    this.settle(done);
    for (const entry of failed) entry.job.reject(entry.error);
    return undefined;
  }

  /** One transaction on its own connection. */
  private async alone<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const rollback = async (tx: PostgresTx): Promise<void> => {
      if (!tx.begun) return;
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError as Error;
      });
    };
    try {
      // BEGIN is sent with the transaction's first statement (see PostgresTx.queued).
      const tx = new PostgresTx(client, this);
      let result: T;
      try {
        result = await fn(tx);
      } catch (error) {
        await rollback(tx);
        throw error;
      }
      try {
        await tx.commit();
      } catch (error) {
        // A queued write failed before the COMMIT ran: the transaction is still open (aborted).
        await rollback(tx);
        throw error;
      }
      for (const hook of tx.commitHooks) {
        try {
          hook();
        } catch {
          // A signal that failed cannot undo the commit (see settle).
        }
      }
      return result;
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: destroy it instead of reusing it.
      client.release(broken);
    }
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    const client = await this.pool.connect();
    this.listeners.add(client);
    // A NOTIFY sent by one of this pool's own connections is skipped: work this process commits
    // wakes its own listeners in-process (the outbox signals every relay of the same Db), and the
    // NOTIFY would only arrive later and cause a second, empty pass.
    const handler = (message: { channel: string; processId?: number }): void => {
      if (message.channel !== channel) return;
      if (message.processId !== undefined && this.ownBackends.has(message.processId)) return;
      onNotify();
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
    while (this.runners.size > 0) await Promise.all([...this.runners]);
    for (const client of this.listeners) client.release();
    this.listeners.clear();
    await this.pool.end();
  }
}

interface GroupJob {
  readonly fn: (tx: Tx) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A transaction's outcome when the group it ran in failed for another member's reason (or for an
 * unknown one): it did not commit, and the error it would have had is not its own to act on.
 */
export class GroupAborted extends Error {
  override readonly name = 'GroupAborted';
  constructor(cause: unknown) {
    super(`rolled back with the other transactions of its group commit: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** A group member whose callback succeeded: answered once its group has committed. */
interface Finished {
  readonly job: GroupJob;
  readonly result: unknown;
  readonly hooks: (() => void)[];
}

const SAVEPOINT = 'SAVEPOINT edasaga_tx';
const RELEASE = 'RELEASE SAVEPOINT edasaga_tx';
const ROLLBACK_TO = 'ROLLBACK TO SAVEPOINT edasaga_tx';

/** COMMITs the connection's open transaction; PostgreSQL answers ROLLBACK (no error) if it had failed. */
async function commitOpen(client: PoolClient): Promise<void> {
  const result = (await client.query('COMMIT')) as unknown as { command?: string };
  if (result.command === 'ROLLBACK') throw new Error('the transaction was rolled back instead of committed: one of its statements had failed');
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
  const maxBatch = options.maxGroupCommit ?? Number(process.env['EDASAGA_PG_GROUP_COMMIT'] ?? DEFAULT_GROUP_COMMIT);
  // One connection of the pool listens for outbox notifications and one is left for transactions
  // that run alone (the relay's), so groups cannot starve them; groups may use the others.
  const connections = Number(process.env['EDASAGA_PG_GROUP_CONNECTIONS'] ?? (options.pool?.max ?? 10) - 2);
  return new PostgresDb(pool, options.schema, {
    maxBatch: Number.isFinite(maxBatch) ? maxBatch : 1,
    connections: Number.isFinite(connections) ? connections : 1,
  });
}
