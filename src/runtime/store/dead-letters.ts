// Messages a consumer gave up on, kept in the service's own database with the last error and the
// number of attempts, so they can be inspected and replayed.
import { toNumber, type SqlValue, type Tx } from '../db/port.js';
import type { TransportMessage } from '../transport.js';

export interface DeadLetterRow {
  readonly seq: number;
  readonly consumer: string;
  readonly messageId: string;
  readonly type: string;
  readonly message: TransportMessage;
  readonly error: string;
  readonly attempts: number;
  readonly createdAt: number;
}

export async function recordDeadLetter(
  tx: Tx,
  entry: { consumer: string; messageId: string; type: string; message: TransportMessage; error: string; attempts: number; now: number },
): Promise<void> {
  await tx.execute(
    `INSERT INTO edasaga_dead_letters (consumer, message_id, type, topic, msg_key, headers, body, error, attempts, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      entry.consumer,
      entry.messageId,
      entry.type,
      entry.message.topic,
      entry.message.key,
      JSON.stringify(entry.message.headers),
      entry.message.body,
      entry.error,
      entry.attempts,
      entry.now,
    ],
  );
}

export interface DeadLetterFilter {
  /** Only messages of this CloudEvents type. */
  readonly type?: string;
  /** Only dead letters stored before this time (epoch ms). */
  readonly before?: number;
  /** Only this one. */
  readonly seq?: number;
  /** Only those with a higher seq (paging). */
  readonly afterSeq?: number;
}

function where(filter: DeadLetterFilter): { sql: string; params: SqlValue[] } {
  const conditions: [string, SqlValue | undefined][] = [
    ['seq = ?', filter.seq],
    ['seq > ?', filter.afterSeq],
    ['type = ?', filter.type],
    ['created_at < ?', filter.before],
  ];
  const used = conditions.filter((condition): condition is [string, SqlValue] => condition[1] !== undefined);
  return { sql: used.length === 0 ? '' : ` WHERE ${used.map(([sql]) => sql).join(' AND ')}`, params: used.map(([, value]) => value) };
}

/** Dead letters oldest first, optionally filtered. */
export async function listDeadLetters(tx: Tx, limit = 100, filter: DeadLetterFilter = {}): Promise<DeadLetterRow[]> {
  const { sql, params } = where(filter);
  const rows = await tx.query(`SELECT * FROM edasaga_dead_letters${sql} ORDER BY seq LIMIT ?`, [...params, limit]);
  return rows.map(toDeadLetter);
}

export async function countDeadLetters(tx: Tx, filter: DeadLetterFilter = {}): Promise<number> {
  const { sql, params } = where(filter);
  const [row] = await tx.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM edasaga_dead_letters${sql}`, params);
  return toNumber(row?.n ?? 0);
}

/** Removes the dead letters `filter` selects (at most `limit`, oldest first) and returns them; PostgreSQL locks them first. */
export async function takeDeadLetters(tx: Tx, filter: DeadLetterFilter, limit: number): Promise<DeadLetterRow[]> {
  const { sql, params } = where(filter);
  const rows = (await tx.query(`SELECT * FROM edasaga_dead_letters${sql} ORDER BY seq LIMIT ?${tx.dialect.rowLockSuffix}`, [...params, limit])).map(toDeadLetter);
  const chunk = 500;
  for (let start = 0; start < rows.length; start += chunk) {
    const seqs = rows.slice(start, start + chunk).map((row) => row.seq);
    await tx.execute(`DELETE FROM edasaga_dead_letters WHERE seq IN (${seqs.map(() => '?').join(', ')})`, seqs);
  }
  return rows;
}

function toDeadLetter(row: Record<string, unknown>): DeadLetterRow {
  return {
    seq: toNumber(row['seq']),
    consumer: String(row['consumer']),
    messageId: String(row['message_id']),
    type: String(row['type']),
    message: {
      topic: String(row['topic']),
      key: String(row['msg_key']),
      headers: JSON.parse(String(row['headers'])) as Record<string, string>,
      body: String(row['body']),
    },
    error: String(row['error']),
    attempts: toNumber(row['attempts']),
    createdAt: toNumber(row['created_at']),
  };
}

/** Removes a dead letter and returns it (undefined when there is none with that seq). */
export async function takeDeadLetter(tx: Tx, seq: number): Promise<DeadLetterRow | undefined> {
  return (await takeDeadLetters(tx, { seq }, 1))[0];
}
