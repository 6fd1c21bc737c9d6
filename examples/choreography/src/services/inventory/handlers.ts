// The inventory service's reactions in the OrderFlow choreography. This file is yours: edasaga
// created it once and only ever adds a handler here when the service comes to consume another event.
//
// PLACEHOLDER BUSINESS LOGIC: stock lives in the `stock` table, seeded by migrations.ts; a SKU seen
// for the first time gets INVENTORY_DEFAULT_STOCK units (default 1000000), except SKUs starting with
// `OOS-`, which are always out of stock. Reservations live in `reservations` and `reservation_items`.
import { randomUUID } from 'node:crypto';
import {
  InventoryReleased,
  InventoryReservationFailed,
  InventoryReserved,
  type InventoryHandlers,
  type PaymentCompletedMessage,
  type ShipmentFailedMessage,
} from '../../generated/index.js';
import type { AppContext } from '../../generated/app/index.js';
import { executeLater, transactional } from '../../generated/runtime/index.js';

export const OUT_OF_STOCK_PREFIX = 'OOS-';

function defaultStock(): number {
  const value = Number(process.env['INVENTORY_DEFAULT_STOCK'] ?? '1000000');
  return Number.isInteger(value) && value >= 0 ? value : 1000000;
}

/** Takes `quantity` of `sku` if that many are available; a SKU seen for the first time is stocked first. */
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

export const inventoryHandlers = {
  /** reserve: PaymentCompleted -> InventoryReserved | InventoryReservationFailed. */
  PaymentCompleted: transactional(async (message: PaymentCompletedMessage, ctx: AppContext): Promise<void> => {
    const { orderId, items, shippingAddress } = message.data;
    // Decided once per order: a repeat (the same payment published again) changes nothing, and its
    // outcome went out with the first decision.
    const [existing] = await ctx.tx.query<ReservationRow>('SELECT reservation_id, status FROM reservations WHERE order_id = ?', [orderId]);
    if (existing !== undefined) return;
    // Rows are locked in SKU order, in every transaction: two reservations of the same SKUs then
    // queue behind each other instead of each holding one and waiting for the other (a deadlock).
    const wanted = new Map<string, number>();
    for (const item of [...items].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))) wanted.set(item.sku, (wanted.get(item.sku) ?? 0) + item.quantity);
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
      // Remembered as FAILED, holding nothing: a repeat is recognised and never reserves later.
      await executeLater(ctx.tx, 'INSERT INTO reservations (reservation_id, order_id, status, created_at) VALUES (?, ?, ?, ?)', [randomUUID(), orderId, 'FAILED', ctx.now]);
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
    await ctx.send(InventoryReserved, { orderId, reservationId, items, ...(shippingAddress === undefined ? {} : { shippingAddress }) });
  }),

  /** release: ShipmentFailed -> InventoryReleased (then payment refunds: reverse order). */
  ShipmentFailed: transactional(async (message: ShipmentFailedMessage, ctx: AppContext): Promise<void> => {
    const { orderId } = message.data;
    const [reservation] = await ctx.tx.query<ReservationRow>("SELECT reservation_id, status FROM reservations WHERE order_id = ? AND status = 'RESERVED'", [orderId]);
    if (reservation === undefined) return; // released already, or never held: nothing to undo
    const items = await ctx.tx.query<{ sku: string; quantity: unknown }>('SELECT sku, quantity FROM reservation_items WHERE reservation_id = ? ORDER BY sku', [reservation.reservation_id]);
    for (const item of items) await ctx.tx.execute('UPDATE stock SET available = available + ? WHERE sku = ?', [Number(item.quantity), item.sku]);
    await ctx.tx.execute("UPDATE reservations SET status = 'RELEASED', released_at = ? WHERE reservation_id = ?", [ctx.now, reservation.reservation_id]);
    ctx.tx.afterCommit(() => ctx.logger.info({ orderId, reservationId: reservation.reservation_id }, 'stock released'));
    await ctx.send(InventoryReleased, { orderId, reservationId: reservation.reservation_id });
  }),
} satisfies InventoryHandlers<AppContext>;
