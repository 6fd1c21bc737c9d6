// The inbox: one row per (consumer, message id), written in the handler's transaction. A message
// delivered again finds its row and has no second effect.
import type { Tx } from '../db/port.js';

/** Records the message; false when this consumer has already handled it (then skip the handler). */
export async function recordInbox(tx: Tx, consumer: string, messageId: string, now: number): Promise<boolean> {
  const changed = await tx.execute(
    'INSERT INTO edasaga_inbox (consumer, message_id, received_at) VALUES (?, ?, ?) ON CONFLICT (consumer, message_id) DO NOTHING',
    [consumer, messageId, now],
  );
  return changed > 0;
}

/** Forgets messages received before `before`: redeliveries older than the retention are no longer recognised. */
export async function purgeInbox(tx: Tx, before: number): Promise<number> {
  return tx.execute('DELETE FROM edasaga_inbox WHERE received_at < ?', [before]);
}
