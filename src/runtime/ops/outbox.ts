// The outbox of a service for the ops CLI: what waits (count, oldest), and how fast the relay
// publishes. Published rows are deleted by default, so the rate comes from edasaga_outbox_stats,
// which the relay bumps in the transaction that marks a batch (one row per minute, kept a day):
// it needs no retention, holds for every relay of the service (processes included) and survives
// restarts, which the relay's in-memory counter (edasaga_relay_published_total) does not.
import type { Db } from '../db/port.js';
import { toNumber } from '../db/port.js';
import { Outbox } from '../store/outbox.js';
import { inTransaction } from './errors.js';

export interface OutboxStats {
  readonly service: string;
  readonly pending: number;
  /** Age of the oldest row not yet published; undefined when none waits. */
  readonly oldestPendingAgeMs: number | undefined;
  /** Published in the last complete minute. */
  readonly dispatchedLastMinute: number;
  /** Average over the last `minutes` complete minutes. */
  readonly dispatchedPerMinute: number;
  readonly minutes: number;
  /** Per minute, oldest first, the current (incomplete) minute last. */
  readonly recent: readonly { readonly minute: string; readonly dispatched: number }[];
}

export function outboxStats(db: Db, service: string, options: { readonly minutes?: number; readonly now?: number } = {}): Promise<OutboxStats> {
  const now = options.now ?? Date.now();
  const minutes = options.minutes ?? 15;
  const current = Math.floor(now / 60_000);
  const outbox = new Outbox(db);
  return inTransaction(db, service, async (tx) => {
    const pending = await outbox.countPending(tx);
    const oldest = await outbox.oldestPendingAt(tx);
    const rows = await tx.query<{ minute: unknown; dispatched: unknown }>('SELECT minute, dispatched FROM edasaga_outbox_stats WHERE minute >= ? ORDER BY minute', [current - minutes]);
    const byMinute = new Map(rows.map((row) => [toNumber(row.minute), toNumber(row.dispatched)]));
    const recent = [];
    let complete = 0;
    for (let minute = current - minutes; minute <= current; minute++) {
      const dispatched = byMinute.get(minute) ?? 0;
      if (minute < current) complete += dispatched;
      recent.push({ minute: new Date(minute * 60_000).toISOString(), dispatched });
    }
    return {
      service,
      pending,
      oldestPendingAgeMs: oldest === undefined ? undefined : Math.max(0, now - oldest),
      dispatchedLastMinute: byMinute.get(current - 1) ?? 0,
      dispatchedPerMinute: minutes === 0 ? 0 : complete / minutes,
      minutes,
      recent,
    };
  });
}
