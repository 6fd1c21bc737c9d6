// One PostgreSQL transaction on one pooled connection, the way the runtime sends it: BEGIN with the
// first statement, writes nobody waits for queued and sent with the next statement or the COMMIT,
// and the first statement error remembered (PostgreSQL answers the COMMIT of an aborted transaction
// with ROLLBACK, not with an error). Also the transaction that runs alone on its own connection.
import type { PoolClient } from 'pg';
import { postgresDialect } from './dialect.js';
import type { Row, SqlValue, Tx } from '../port.js';
import type { StatementCache } from './sql-text.js';

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

export class PostgresTx implements Tx {
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
    private readonly statements: StatementCache,
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
    const text = this.statements.inline(sql, params, this.client);
    if (text === undefined) return this.execute(sql, params).then(() => undefined);
    this.queued.push(text);
    return Promise.resolve();
  }

  private async run(sql: string, params: readonly SqlValue[]): Promise<QueryResultLike> {
    // Later statements of an aborted transaction would only fail with "transaction is aborted":
    // answer with the cause instead.
    if (this.failed !== undefined) throw this.failed.error;
    if (this.queued.length > 0) {
      const text = this.statements.inline(sql, params, this.client);
      if (text !== undefined) return this.send(text);
      await this.send();
    }
    this.sent = true;
    try {
      return await corked(this.client, () => this.client.query(this.statements.statement(sql, params)));
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

/** Runs the commit hooks of a committed transaction: signals (a relay wake-up) that cannot undo it. */
export function runCommitHooks(hooks: readonly (() => void)[]): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // One that throws cannot undo the commit, nor keep the caller from hearing of it.
    }
  }
}

/** One transaction on `client`, alone (not shared with others); the caller releases the client. */
export async function runAlone<T>(client: PoolClient, statements: StatementCache, fn: (tx: Tx) => Promise<T>): Promise<{ result: T } | { error: unknown; broken: Error | undefined }> {
  let broken: Error | undefined;
  const rollback = async (tx: PostgresTx): Promise<void> => {
    if (!tx.begun) return;
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError as Error;
    });
  };
  // BEGIN is sent with the transaction's first statement (see PostgresTx.queued).
  const tx = new PostgresTx(client, statements);
  let result: T;
  try {
    result = await fn(tx);
  } catch (error) {
    await rollback(tx);
    return { error, broken };
  }
  try {
    await tx.commit();
  } catch (error) {
    // A queued write failed before the COMMIT ran: the transaction is still open (aborted).
    await rollback(tx);
    return { error, broken };
  }
  runCommitHooks(tx.commitHooks);
  return { result };
}

/** COMMITs the connection's open transaction; PostgreSQL answers ROLLBACK (no error) if it had failed. */
export async function commitOpen(client: PoolClient): Promise<void> {
  const result = (await client.query('COMMIT')) as unknown as { command?: string };
  if (result.command === 'ROLLBACK') throw new Error('the transaction was rolled back instead of committed: one of its statements had failed');
}
