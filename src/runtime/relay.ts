// The outbox relay: publishes committed outbox rows through the transport, in seq order (so in
// order per key), in batches, and marks them dispatched only after the transport confirmed them.
// A crash anywhere in between means the rows are published again: at-least-once, which the
// consumers' inbox turns into effectively-once.
//
// Wake-up: right after a commit that wrote outbox rows (in-process signal), on PostgreSQL also on
// NOTIFY from other processes writing the same schema, and on a slow poll as a safety net.
// SQLite: one relay per database file (the process that owns it), no row locks needed.
// PostgreSQL: any number of relays; each claims rows with FOR UPDATE SKIP LOCKED inside a
// transaction held while publishing, and skips keys whose earlier rows another relay holds.
import type { Db } from './db/port.js';
import { outboxChannel, type Outbox } from './store/outbox.js';
import { purgeInbox } from './store/inbox.js';
import type { Transport, TransportMessage } from './transport.js';
import type { Clock } from './clock.js';
import type { RuntimeObserver } from './observer.js';
import type { RuntimeTracing } from './observability/tracing.js';
import { systemClock } from './clock.js';
import type { Logger } from './logger.js';

export interface RelayOptions {
  readonly db: Db;
  readonly outbox: Outbox;
  readonly transport: Transport;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Rows per publish call. Default 500. */
  readonly batchSize?: number;
  /** Safety-net poll. Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /**
   * How long dispatched rows are kept (for inspection and replay); 0, the default, deletes them
   * as soon as they are published, which keeps the outbox table small and its writes cheap.
   */
  readonly outboxRetentionMs?: number;
  /** How long inbox rows are kept (the window in which duplicates are recognised). Default 7 days. */
  readonly inboxRetentionMs?: number;
  /** How often retention is applied. Default 60 s. */
  readonly purgeIntervalMs?: number;
  /** Service name for the observer's labels. Default the Db's location. */
  readonly service?: string;
  readonly observer?: RuntimeObserver;
  /** A `send` span per published batch. */
  readonly tracing?: RuntimeTracing;
}

export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly outboxRetentionMs: number;
  private readonly inboxRetentionMs: number;
  private readonly purgeIntervalMs: number;
  private readonly clock: Clock;
  private readonly service: string;
  private running = false;
  private wanted = false;
  private loop: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private unsignal: (() => void) | undefined;
  private failures = 0;
  private started = false;
  /** SQLite: the highest seq this relay has published and marked. */
  private highWater = 0;
  /** The last pass left rows behind because another relay held earlier rows of their keys. */
  private blocked = false;
  /** Messages published since start (for stats and benchmarks). */
  published = 0;

  constructor(private readonly options: RelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.outboxRetentionMs = options.outboxRetentionMs ?? 0;
    this.inboxRetentionMs = options.inboxRetentionMs ?? 7 * 86_400_000;
    this.purgeIntervalMs = options.purgeIntervalMs ?? 60_000;
    this.clock = options.clock ?? systemClock;
    this.service = options.service ?? options.db.location;
  }

  private publish(messages: TransportMessage[]): Promise<void> {
    const { transport, tracing } = this.options;
    return tracing === undefined ? transport.publish(messages) : tracing.send(messages, () => transport.publish(messages));
  }

  private counted(published: number): void {
    this.published += published;
    this.options.observer?.relayPublished?.(this.service, published);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unsignal = this.options.outbox.onCommit(() => this.wake());
    if (this.options.db.listen !== undefined) {
      this.unlisten = await this.options.db.listen(outboxChannel(this.options.db.location), () => this.wake());
    }
    this.pollTimer = setInterval(() => this.wake(), this.pollIntervalMs);
    this.pollTimer.unref();
    this.purgeTimer = setInterval(() => {
      this.purge().catch((error: unknown) => this.options.logger.error({ err: error }, 'outbox/inbox purge failed'));
    }, this.purgeIntervalMs);
    this.purgeTimer.unref();
    this.wake();
  }

  /** Asks for a pass over the outbox; cheap to call often (passes coalesce). */
  wake(): void {
    if (!this.started) return;
    this.wanted = true;
    if (this.running || this.retryTimer !== undefined) return;
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    try {
      while (this.wanted && this.started) {
        this.wanted = false;
        // Keep going while batches come back full: there is more behind them.
        while (this.started && (await this.publishBatch()) === this.batchSize) {
          /* next batch */
        }
        this.failures = 0;
      }
      if (this.blocked && this.started) {
        // Another relay held earlier rows of some keys; it is about to commit them. Look again
        // shortly instead of waiting for the next write or the poll.
        this.blocked = false;
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.wake();
        }, 10 + Math.random() * 20);
        this.retryTimer.unref();
      }
    } catch (error) {
      this.failures += 1;
      this.options.observer?.relayFailed?.(this.service);
      const delay = Math.min(30_000, 100 * 2 ** Math.min(this.failures, 9));
      this.options.logger.warn({ err: error, retryInMs: delay }, 'outbox relay could not publish; will retry');
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.wake();
      }, delay);
      this.retryTimer.unref();
    } finally {
      this.running = false;
    }
  }

  /** Publishes one batch; returns the number of rows it took from the outbox (published or not). */
  async publishBatch(): Promise<number> {
    const { db, outbox } = this.options;
    const keepRows = this.outboxRetentionMs > 0;
    if (db.dialect.claimSuffix === '') {
      // One writer at a time means seq order is commit order: every row at or below the last seq
      // this relay marked is dispatched, so the next read starts above it.
      // A short batch holds every pending row above the mark, so once it is marked, everything up
      // to the highest seq seen in the same transaction is dispatched (retained rows are then
      // never scanned again).
      const { rows, maxSeq } = await db.transaction(async (tx) => {
        const found = await outbox.pending(tx, this.batchSize, false, this.highWater);
        return { rows: found, maxSeq: found.length < this.batchSize ? await outbox.maxSeq(tx) : undefined };
      });
      if (rows.length > 0) {
        await this.publish(rows.map((row) => row.message));
        await db.transaction((tx) => outbox.markDispatched(tx, rows.map((row) => row.seq), keepRows));
        this.counted(rows.length);
      }
      this.highWater = Math.max(this.highWater, rows[rows.length - 1]?.seq ?? 0, maxSeq ?? 0);
      return rows.length;
    }
    return db.transaction(async (tx) => {
      const claimed = await outbox.claimWithHeldKeys(tx, this.batchSize);
      if (claimed.length === 0) return 0;
      // Every row of a key with an earlier row another relay holds waits for that relay.
      const publishable = claimed.filter((row) => !row.heldElsewhere);
      if (publishable.length > 0) {
        await this.publish(publishable.map((row) => row.message));
        await outbox.markDispatched(tx, publishable.map((row) => row.seq), keepRows);
        tx.afterCommit(() => this.counted(publishable.length));
      }
      if (publishable.length < claimed.length) this.blocked = true;
      // All blocked: another relay is publishing those keys; stop here rather than spin on them.
      return publishable.length === 0 ? 0 : claimed.length;
      // Alone: it publishes before its COMMIT, so it must not see other callers' uncommitted rows.
    }, { alone: true });
  }

  /** Publishes until the outbox is empty (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.loop !== undefined && this.running) await this.loop;
    while ((await this.publishBatch()) > 0) {
      /* next batch */
    }
  }

  /**
   * Publishes what is left in the outbox until it is empty or `deadline` (epoch ms, wall clock)
   * passes, for a shutdown after stop(); a batch still publishing at the deadline is left to
   * finish on its own (its rows stay pending if it fails and are published after the next start).
   */
  async flush(deadline: number): Promise<{ readonly published: number; readonly complete: boolean }> {
    let published = 0;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return { published, complete: false };
      const batch = this.publishBatch();
      const taken = await within(batch, remaining);
      if (taken === undefined) {
        batch.catch(() => undefined);
        return { published, complete: false };
      }
      published += taken;
      if (taken === 0) return { published, complete: true };
    }
  }

  /** Applies retention to the outbox and the inbox. */
  async purge(): Promise<{ outbox: number; inbox: number }> {
    const now = this.clock.now();
    return this.options.db.transaction(async (tx) => ({
      outbox: await this.options.outbox.purge(tx, now - this.outboxRetentionMs),
      inbox: await purgeInbox(tx, now - this.inboxRetentionMs),
    }));
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.unsignal?.();
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    if (this.purgeTimer !== undefined) clearInterval(this.purgeTimer);
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.unlisten?.();
    await this.loop;
  }
}

/** The value of `promise` if it settles within `ms`, else undefined (rejections pass through). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
