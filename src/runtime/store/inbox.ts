// The inbox: one row per (consumer, message id), written in the handler's transaction. A message
// delivered again finds its row and has no second effect.
import type { Tx } from '../db/port.js';

/**
 * Records the message; false when this consumer has already handled it (then skip the handler).
 *
 * With `later`, where the adapter can hold writes back (PostgreSQL), the row is written without
 * asking and leaves with the transaction's next statement: true is returned at once, and a message
 * handled before fails that statement (or the commit) instead, with an error `isInboxConflict`
 * recognises. Only for handlers that do nothing outside the transaction (MessageHandler.transactional).
 */
export async function recordInbox(tx: Tx, consumer: string, messageId: string, now: number, options: { readonly later?: boolean } = {}): Promise<boolean> {
  if (options.later === true && tx.defer !== undefined) {
    await tx.defer('INSERT INTO edasaga_inbox (consumer, message_id, received_at) VALUES (?, ?, ?)', [consumer, messageId, now]);
    return true;
  }
  const changed = await tx.execute(
    'INSERT INTO edasaga_inbox (consumer, message_id, received_at) VALUES (?, ?, ?) ON CONFLICT (consumer, message_id) DO NOTHING',
    [consumer, messageId, now],
  );
  return changed > 0;
}

/** The error a held-back inbox row fails with when the message was handled before (PostgreSQL's unique_violation). */
export function isInboxConflict(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'edasaga_inbox_pkey';
}

/** Forgets messages received before `before`: redeliveries older than the retention are no longer recognised. */
export async function purgeInbox(tx: Tx, before: number): Promise<number> {
  return tx.execute('DELETE FROM edasaga_inbox WHERE received_at < ?', [before]);
}
