// Messages a consumer gave up on, kept in the service's own database with the last error and the
// number of attempts, so they can be inspected and replayed.
import { toNumber, type Tx } from '../db/port.js';
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

export async function listDeadLetters(tx: Tx, limit = 100): Promise<DeadLetterRow[]> {
  const rows = await tx.query('SELECT * FROM edasaga_dead_letters ORDER BY seq LIMIT ?', [limit]);
  return rows.map(toDeadLetter);
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
  const rows = await tx.query(`SELECT * FROM edasaga_dead_letters WHERE seq = ?${tx.dialect.name === 'postgres' ? ' FOR UPDATE' : ''}`, [seq]);
  const row = rows[0];
  if (row === undefined) return undefined;
  await tx.execute('DELETE FROM edasaga_dead_letters WHERE seq = ?', [seq]);
  return toDeadLetter(row);
}
