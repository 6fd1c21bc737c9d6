// The transactional outbox: messages are written in the same transaction as the state change that
// caused them, and a relay (relay.ts) later publishes them. Nothing reaches the broker unless the
// transaction committed; everything committed reaches it at least once.
import { createEnvelope, toBinary } from '../envelope.js';
import { uuidv7 } from '../ids.js';
import type { OutgoingMessage } from '../message.js';
import { executeLater, toNumber, toOptionalNumber, type Db, type Tx } from '../db/port.js';
import type { TransportMessage } from '../transport.js';
import type { Context } from '@opentelemetry/api';
import type { RuntimeTracing } from '../observability/tracing.js';

export interface OutboxRow {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly topic: string;
  readonly key: string;
  readonly message: TransportMessage;
  readonly createdAt: number;
  readonly dispatchedAt: number | undefined;
}

export interface EnvelopeContext {
  readonly source: string;
  readonly correlationid?: string;
  readonly causationid?: string;
  /** Trace context of the unit of work: the message's `create` span becomes its child. */
  readonly trace?: Context;
}

/** Minutes of dispatch counts kept in edasaga_outbox_stats (ops: dispatched per minute). */
export const OUTBOX_STATS_MINUTES = 24 * 60;

/** Channel the relay LISTENs on (PostgreSQL); one per service schema. */
export function outboxChannel(location: string): string {
  return `edasaga_outbox_${location}`.slice(0, 63);
}

/**
 * Commit signals per Db, shared by every Outbox on it: a commit through any of them wakes every relay
 * of that Db in this process. (The PostgreSQL adapter relies on that: it skips NOTIFYs sent by its
 * own connections.)
 */
const signalsByDb = new WeakMap<Db, Set<() => void>>();

/** The columns toOutboxRow reads. */
const ROW_COLUMNS = 'seq, id, type, topic, msg_key, payload, headers, created_at, dispatched_at';

/** Set on a replayed dead letter: when it was replayed (ms). Not a CloudEvents attribute (no ce_ prefix). */
export const REPLAY_HEADER = 'edasaga_replayed_at';

export class Outbox {
  private readonly signals: Set<() => void>;

  constructor(
    readonly db: Db,
    private readonly now: () => number = Date.now,
    /** Spans for outbox writes; without it messages carry no trace context. */
    private readonly tracing?: RuntimeTracing,
  ) {
    let signals = signalsByDb.get(db);
    if (signals === undefined) signalsByDb.set(db, (signals = new Set()));
    this.signals = signals;
  }

  /** Registers a callback run after every commit that wrote outbox rows (the relay's wake-up). */
  onCommit(signal: () => void): () => void {
    // Wrapped, so one callback registered twice (or by two relays) is two entries, removed separately.
    const entry = (): void => signal();
    this.signals.add(entry);
    return () => this.signals.delete(entry);
  }

  /** Writes a message in `tx`; returns its id. */
  async append(tx: Tx, message: OutgoingMessage, context: EnvelopeContext): Promise<string> {
    const correlationid = message.correlationid ?? context.correlationid;
    const id = message.id ?? uuidv7();
    const traced = this.tracing?.created(context.trace, { topic: message.topic, id, type: message.type, correlationid });
    const envelope = createEnvelope({
      source: context.source,
      type: message.type,
      dataversion: message.dataversion,
      subject: message.key,
      data: message.data,
      time: new Date(this.now()).toISOString(),
      id,
      ...(message.dataschema === undefined ? {} : { dataschema: message.dataschema }),
      ...(correlationid === undefined ? {} : { correlationid }),
      ...(context.causationid === undefined ? {} : { causationid: context.causationid }),
      ...traced,
    });
    return this.insert(tx, envelope.id, message.aggregatetype ?? message.topic, message.type, message.topic, message.key, toBinary(envelope));
  }

  /**
   * Writes an already-encoded message again, keeping its id (replaying a dead letter): consumers
   * that handled it before recognise it in their inbox, the one that failed handles it.
   */
  /**
   * A dead letter published again (replay): the same message id, so consumers that had handled it
   * skip it, plus REPLAY_HEADER, so that a broker that drops a message id it has seen (JetStream's
   * duplicate window, 2 minutes) takes the replay as the new publish it is.
   */
  appendReplay(tx: Tx, message: TransportMessage, at: number): Promise<string> {
    return this.appendEncoded(tx, { ...message, headers: { ...message.headers, [REPLAY_HEADER]: String(at) } });
  }

  async appendEncoded(tx: Tx, message: TransportMessage): Promise<string> {
    const id = message.headers['ce_id'];
    const type = message.headers['ce_type'];
    if (id === undefined || type === undefined) throw new Error('message has no ce_id/ce_type header');
    return this.insert(tx, id, message.topic, type, message.topic, message.key, { headers: message.headers, body: message.body });
  }

  private async insert(
    tx: Tx,
    id: string,
    aggregatetype: string,
    type: string,
    topic: string,
    key: string,
    binary: { readonly headers: Readonly<Record<string, string>>; readonly body: string },
  ): Promise<string> {
    await executeLater(
      tx,
      `INSERT INTO edasaga_outbox (id, aggregatetype, aggregateid, type, payload, headers, topic, msg_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, aggregatetype, key, type, binary.body, JSON.stringify(binary.headers), topic, key, this.now()],
    );
    if (!tx.locals.has('outbox:signalled')) {
      tx.locals.set('outbox:signalled', true);
      tx.afterCommit(() => {
        for (const signal of this.signals) signal();
      });
      // Relays in other processes hear of the row through the NOTIFY trigger (PostgreSQL, migration 003).
    }
    return id;
  }

  /**
   * Oldest undispatched rows with a seq above `afterSeq`, in seq order; with `claim`, locked for
   * this transaction (PostgreSQL). `afterSeq` lets the single SQLite relay skip what it already
   * published with a primary-key range instead of an index of pending rows.
   */
  async pending(tx: Tx, limit: number, claim = false, afterSeq = 0): Promise<OutboxRow[]> {
    const rows = await tx.query(
      `SELECT ${ROW_COLUMNS} FROM edasaga_outbox
       WHERE seq > ? AND dispatched_at IS NULL ORDER BY seq LIMIT ?${claim ? tx.dialect.claimSuffix : ''}`,
      [afterSeq, limit],
    );
    return rows.map(toOutboxRow);
  }

  /**
   * Claims the oldest undispatched rows (PostgreSQL: `FOR UPDATE SKIP LOCKED`) and says, for each,
   * whether its key has an earlier undispatched row this claim did not get: another relay holds it,
   * and publishing the key's rows first would break key order. One statement, so a relay pass
   * costs one round trip less than claiming and then asking about the keys.
   */
  async claimWithHeldKeys(tx: Tx, limit: number): Promise<(OutboxRow & { readonly heldElsewhere: boolean })[]> {
    // The unclaimed pending rows up to the last claimed seq are few (the ones other relays hold,
    // or that committed late): one range scan of the pending index finds them, whatever the keys.
    // Checked per claimed row against the claimed set instead, the claim took 6.8 s for a backlog of
    // one key (bench/relay-claim.mjs: 100k rows; now 4-9 ms for one key or thousands).
    const rows = await tx.query(
      `WITH claimed AS MATERIALIZED (
         SELECT ${ROW_COLUMNS} FROM edasaga_outbox
         WHERE dispatched_at IS NULL ORDER BY seq LIMIT ?${tx.dialect.claimSuffix}
       ),
       held AS (
         SELECT DISTINCT o.msg_key
         FROM edasaga_outbox o
         JOIN (SELECT msg_key, max(seq) AS last FROM claimed GROUP BY msg_key) k ON k.msg_key = o.msg_key AND o.seq < k.last
         WHERE o.dispatched_at IS NULL AND o.seq < (SELECT max(seq) FROM claimed) AND o.seq NOT IN (SELECT seq FROM claimed)
       )
       SELECT c.seq, c.id, c.type, c.topic, c.msg_key, c.payload, c.headers, c.created_at, c.dispatched_at,
         c.msg_key IN (SELECT msg_key FROM held) AS held_elsewhere
       FROM claimed c ORDER BY c.seq`,
      [limit],
    );
    return rows.map((row) => ({ ...toOutboxRow(row), heldElsewhere: row['held_elsewhere'] === true || row['held_elsewhere'] === 1 }));
  }

  /** Every row, oldest first (tests, admin views). */
  async all(tx: Tx): Promise<OutboxRow[]> {
    return (await tx.query(`SELECT ${ROW_COLUMNS} FROM edasaga_outbox ORDER BY seq`)).map(
      toOutboxRow,
    );
  }

  /**
   * Marks rows dispatched (or deletes them when nothing is retained), and counts them in this
   * minute's row of edasaga_outbox_stats: the ops view's "dispatched per minute", which needs no
   * retained rows and survives restarts (a relay's in-memory counter would not).
   */
  async markDispatched(tx: Tx, seqs: readonly number[], keepRows: boolean): Promise<void> {
    if (seqs.length > 0) {
      await executeLater(
        tx,
        `INSERT INTO edasaga_outbox_stats (minute, dispatched) VALUES (?, ?)
         ON CONFLICT (minute) DO UPDATE SET dispatched = edasaga_outbox_stats.dispatched + excluded.dispatched`,
        [Math.floor(this.now() / 60_000), seqs.length],
      );
    }
    const chunk = 500;
    for (let start = 0; start < seqs.length; start += chunk) {
      const part = seqs.slice(start, start + chunk);
      const list = part.map(() => '?').join(', ');
      // Nothing reads the result: on PostgreSQL the statement travels with the relay's COMMIT.
      if (keepRows) {
        await executeLater(tx, `UPDATE edasaga_outbox SET dispatched_at = ? WHERE seq IN (${list})`, [this.now(), ...part]);
      } else {
        await executeLater(tx, `DELETE FROM edasaga_outbox WHERE seq IN (${list})`, part);
      }
    }
  }

  /** Deletes rows dispatched before `before` (epoch ms), and dispatch counts older than a day; returns how many rows. */
  async purge(tx: Tx, before: number): Promise<number> {
    await tx.execute('DELETE FROM edasaga_outbox_stats WHERE minute < ?', [Math.floor(this.now() / 60_000) - OUTBOX_STATS_MINUTES]);
    return tx.execute('DELETE FROM edasaga_outbox WHERE dispatched_at IS NOT NULL AND dispatched_at < ?', [before]);
  }

  /** The highest seq in the table (0 when empty). */
  async maxSeq(tx: Tx): Promise<number> {
    const [row] = await tx.query<{ m: unknown }>('SELECT MAX(seq) AS m FROM edasaga_outbox');
    return toOptionalNumber(row?.m) ?? 0;
  }

  /** When the oldest row not yet published was written (undefined: none waits). */
  async oldestPendingAt(tx: Tx): Promise<number | undefined> {
    const [row] = await tx.query<{ created_at: unknown }>('SELECT created_at FROM edasaga_outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT 1');
    return toOptionalNumber(row?.created_at);
  }

  async countPending(tx: Tx): Promise<number> {
    const [row] = await tx.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM edasaga_outbox WHERE dispatched_at IS NULL');
    return toNumber(row?.n ?? 0);
  }
}

function toOutboxRow(row: Record<string, unknown>): OutboxRow {
  const topic = String(row['topic']);
  const key = String(row['msg_key']);
  return {
    seq: toNumber(row['seq']),
    id: String(row['id']),
    type: String(row['type']),
    topic,
    key,
    message: { topic, key, headers: JSON.parse(String(row['headers'])) as Record<string, string>, body: String(row['payload']) },
    createdAt: toNumber(row['created_at']),
    dispatchedAt: toOptionalNumber(row['dispatched_at']),
  };
}
