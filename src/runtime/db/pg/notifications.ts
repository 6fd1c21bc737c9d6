// LISTEN/NOTIFY for one pool: the relay of a service hears of outbox rows written by other
// processes. A NOTIFY sent by one of this pool's own connections is skipped: work this process
// commits wakes its own listeners in-process (the outbox signals every relay of the same Db), and
// the NOTIFY would only arrive later and cause a second, empty pass.
import type { Pool, PoolClient } from 'pg';
import type { Tx } from '../port.js';
import { quoteIdent } from './sql-text.js';

type WithPid = PoolClient & { processID?: number | null };

export class Notifications {
  private readonly listeners = new Set<PoolClient>();
  /** Backend process ids of this pool's connections: their own NOTIFYs need no wake-up. */
  private readonly ownBackends = new Set<number>();

  constructor(private readonly pool: Pool) {
    pool.on('connect', (client) => {
      const pid = (client as WithPid).processID;
      if (typeof pid === 'number') this.ownBackends.add(pid);
    });
    pool.on('remove', (client) => {
      const pid = (client as WithPid).processID;
      if (typeof pid === 'number') this.ownBackends.delete(pid);
    });
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    const client = await this.pool.connect();
    this.listeners.add(client);
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

  /** Gives the listening connections back to the pool. */
  close(): void {
    for (const client of this.listeners) client.release();
    this.listeners.clear();
  }
}
