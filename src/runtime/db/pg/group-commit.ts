// Group commit for PostgreSQL (hand-written: pg has none). Transactions queued on one Db run one
// after another on a connection inside ONE PostgreSQL transaction, and one COMMIT ends them all;
// every caller's promise settles only after that COMMIT. See runGroup for how a failing member is
// told apart from the others.
import type { Pool, PoolClient } from 'pg';
import type { Tx } from '../port.js';
import { GroupAborted, transientKind } from '../../faults.js';
import type { StatementCache } from './sql-text.js';
import { PostgresTx, commitOpen, runAlone, runCommitHooks } from './tx.js';

export interface GroupCommitOptions {
  /** Most transactions per COMMIT (1: none are grouped). */
  readonly maxBatch: number;
  /** Connections running groups at once. */
  readonly connections: number;
}

export class GroupCommit {
  /** Physical COMMITs of grouped transactions so far (each may carry several transactions). */
  commits = 0;
  /** Grouped transactions committed so far. */
  transactions = 0;
  private readonly maxBatch: number;
  private readonly maxRunners: number;
  private readonly queue: GroupJob[] = [];
  private readonly runners = new Set<Promise<void>>();

  constructor(
    private readonly pool: Pool,
    private readonly statements: StatementCache,
    options: GroupCommitOptions,
  ) {
    this.maxBatch = Math.max(1, Math.floor(options.maxBatch));
    this.maxRunners = Math.max(1, Math.floor(options.connections));
  }

  /** Queues `fn` for the next group; settles once that group has committed (or `fn` failed alone). */
  enqueue<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      this.startRunner();
    });
  }

  /** Resolves once no group is running. */
  async idle(): Promise<void> {
    while (this.runners.size > 0) await Promise.all([...this.runners]);
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
      // The server is away (or the pool exhausted): every queued transaction would fail the same
      // way now. Their callers retry (a transient fault: see faults.ts).
      for (const job of this.queue.splice(0)) job.reject(error);
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
      // A deadlock or a serialization failure is the group's, not a member's: the locks its members
      // held together met another transaction's. Running them again together (or in savepoints of
      // one transaction) would hold the same locks again; each runs alone instead.
      const kind = transientKind(error);
      if (kind === 'deadlock' || kind === 'serialization' || kind === 'busy') return this.runEachAlone(client, tried);
      return this.runIsolated(client, tried);
    };
    /** Sends what is pending and COMMIT, if the group did anything. */
    const commit = async (): Promise<void> => {
      if (!begun && pending.every((text) => text === 'BEGIN')) return;
      await new PostgresTx(client, this.statements, pending).flush(['COMMIT']);
      this.commits += 1;
    };
    for (let count = 0; count < this.maxBatch; count++) {
      const job = this.queue.shift();
      if (job === undefined) break;
      tried.push(job);
      const tx = new PostgresTx(client, this.statements, pending);
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

  /**
   * The members of a group that met a lock conflict, each in a transaction of its own, one after
   * another on the group's connection: a member that conflicts again fails alone, with its own error
   * (which its caller retries as a transient fault), and the others commit.
   */
  private async runEachAlone(client: PoolClient, jobs: readonly GroupJob[]): Promise<Error | undefined> {
    for (const [index, job] of jobs.entries()) {
      const outcome = await runAlone(client, this.statements, job.fn);
      if ('result' in outcome) {
        this.commits += 1;
        this.transactions += 1;
        job.resolve(outcome.result);
        continue;
      }
      job.reject(outcome.error);
      if (outcome.broken !== undefined) {
        // The connection is in an unknown state: the rest cannot run on it.
        for (const rest of jobs.slice(index + 1)) rest.reject(new GroupAborted(outcome.error));
        return outcome.broken;
      }
    }
    return undefined;
  }

  /** Runs the commit hooks of a committed group's members, then answers their callers. */
  private settle(done: readonly Finished[]): void {
    this.transactions += done.length;
    for (const entry of done) {
      runCommitHooks(entry.hooks);
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
      const tx = new PostgresTx(client, this.statements, prefix);
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
}

interface GroupJob {
  readonly fn: (tx: Tx) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
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