// The inventory service's message handlers. This file is yours: edasaga created it once and only
// ever adds a handler here when the catalog gains a message this service consumes.
//
// PLACEHOLDER BUSINESS LOGIC: it makes the system run end to end; put the real stock keeping here.
// Stock lives in the `stock` table, seeded by migrations.ts; a SKU seen for the first time gets
// INVENTORY_DEFAULT_STOCK units (default 1000000), except SKUs starting with `OOS-`, which are
// always out of stock. Reservations live in `reservations` and `reservation_items`.
import { randomUUID } from 'node:crypto';
import {
  InventoryReleased,
  InventoryReservationFailed,
  InventoryReserved,
  type InventoryHandlers,
  type ReleaseInventoryMessage,
  type ReserveInventoryMessage,
} from '../../generated/index.js';
import type { AppContext } from '../../generated/app/index.js';
import { executeLater, transactional } from '../../generated/runtime/index.js';

export const OUT_OF_STOCK_PREFIX = 'OOS-';

function defaultStock(): number {
  const value = Number(process.env['INVENTORY_DEFAULT_STOCK'] ?? '1000000');
  return Number.isInteger(value) && value >= 0 ? value : 1000000;
}

/**
 * Takes `quantity` of `sku` if that many are available; a SKU seen for the first time is stocked
 * with the default first. The update comes first: for a known SKU (nearly always) it is the only
 * statement, and it locks nothing but that SKU's row.
 */
async function takeStock(ctx: AppContext, sku: string, quantity: number): Promise<boolean> {
  const take = 'UPDATE stock SET available = available - ? WHERE sku = ? AND available >= ?';
  if ((await ctx.tx.execute(take, [quantity, sku, quantity])) === 1) return true;
  await ctx.tx.execute('INSERT INTO stock (sku, available) VALUES (?, ?) ON CONFLICT (sku) DO NOTHING', [sku, defaultStock()]);
  return (await ctx.tx.execute(take, [quantity, sku, quantity])) === 1;
}

interface ReservationRow {
  readonly reservation_id: string;
  readonly status: string;
  readonly [column: string]: unknown;
}

// Each handler is `transactional`: it works only through ctx (its transaction and `send`), so its
// inbox row can travel with its first statement. Unmark one before it calls anything outside. Its
// logs go out after the commit (ctx.tx.afterCommit): a redelivery recognised at the commit, or a
// handler run again when its commit group is retried, never logs work that was rolled back.
export const inventoryHandlers = {
  /** ReserveInventory (command from the order saga): Hold stock for every item of an order. */
  ReserveInventory: transactional(async (message: ReserveInventoryMessage, ctx: AppContext): Promise<void> => {
    const { orderId, items } = message.data;
    const [existing] = await ctx.tx.query<ReservationRow>('SELECT reservation_id, status FROM reservations WHERE order_id = ?', [orderId]);
    if (existing !== undefined) {
      // A repeated command (the saga retries when a reply is late): answer the same way again.
      await ctx.send(InventoryReserved, { orderId, reservationId: existing.reservation_id });
      return;
    }
    // Rows are locked in SKU order, in every transaction: two reservations of the same SKUs then
    // queue behind each other instead of each holding one and waiting for the other (a deadlock).
    const wanted = new Map<string, number>();
    for (const item of [...items].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))) wanted.set(item.sku, (wanted.get(item.sku) ?? 0) + item.quantity);

    // Take each SKU with a guarded update (no overselling under concurrency, on SQLite and
    // PostgreSQL alike); if one is short, put back what was taken and report the missing ones.
    const taken: [string, number][] = [];
    const missing: string[] = [];
    for (const [sku, quantity] of wanted) {
      if (sku.startsWith(OUT_OF_STOCK_PREFIX)) {
        missing.push(sku);
        continue;
      }
      if (await takeStock(ctx, sku, quantity)) taken.push([sku, quantity]);
      else missing.push(sku);
    }
    if (missing.length > 0) {
      for (const [sku, quantity] of taken) await ctx.tx.execute('UPDATE stock SET available = available + ? WHERE sku = ?', [quantity, sku]);
      ctx.tx.afterCommit(() => ctx.logger.info({ orderId, missing }, 'reservation failed: out of stock'));
      await ctx.send(InventoryReservationFailed, { orderId, reason: `out of stock: ${missing.join(', ')}`, missingSkus: missing });
      return;
    }
    const reservationId = randomUUID();
    await executeLater(ctx.tx, 'INSERT INTO reservations (reservation_id, order_id, status, created_at) VALUES (?, ?, ?, ?)', [reservationId, orderId, 'RESERVED', ctx.now]);
    for (const [sku, quantity] of taken) {
      await executeLater(ctx.tx, 'INSERT INTO reservation_items (reservation_id, sku, quantity) VALUES (?, ?, ?)', [reservationId, sku, quantity]);
    }
    ctx.tx.afterCommit(() => ctx.logger.info({ orderId, reservationId }, 'stock reserved'));
    await ctx.send(InventoryReserved, { orderId, reservationId });
  }),

  /** ReleaseInventory (compensation from the order saga): Give back stock held for an order. */
  ReleaseInventory: transactional(async (message: ReleaseInventoryMessage, ctx: AppContext): Promise<void> => {
    const { orderId, reservationId } = message.data;
    // By order: a reservation whose reply never reached the saga is released too. Idempotent.
    const [reservation] = await ctx.tx.query<ReservationRow>("SELECT reservation_id, status FROM reservations WHERE order_id = ? AND status = 'RESERVED'", [orderId]);
    if (reservation !== undefined) {
      const items = await ctx.tx.query<{ sku: string; quantity: unknown }>('SELECT sku, quantity FROM reservation_items WHERE reservation_id = ? ORDER BY sku', [reservation.reservation_id]);
      for (const item of items) await ctx.tx.execute('UPDATE stock SET available = available + ? WHERE sku = ?', [Number(item.quantity), item.sku]);
      await ctx.tx.execute("UPDATE reservations SET status = 'RELEASED', released_at = ? WHERE reservation_id = ?", [ctx.now, reservation.reservation_id]);
    }
    ctx.tx.afterCommit(() => ctx.logger.info({ orderId, released: reservation !== undefined }, reservation !== undefined ? 'stock released' : 'nothing to release'));
    await ctx.send(InventoryReleased, { orderId, reservationId: reservation?.reservation_id ?? reservationId });
  }),
} satisfies InventoryHandlers<AppContext>;
