// The shipping service's message handlers. This file is yours: edasaga created it once and only
// ever adds a handler here when the catalog gains a message this service consumes.
//
// PLACEHOLDER BUSINESS LOGIC: it makes the system run end to end; put the real carrier booking
// here. A shipment is scheduled by post (by courier above SHIPPING_COURIER_ABOVE items, default
// 10), or for pickup when the order has no address (OrderCreated v1). An address in a country that
// is not in SHIP_TO_COUNTRIES (comma-separated ISO codes, default below; `*` ships anywhere)
// cannot be delivered to: the answer is ShipmentFailed, and the saga releases the stock and
// refunds the payment. Shipments live in the `shipments` table.
import { randomUUID } from 'node:crypto';
import {
  ShipmentCancelled,
  ShipmentFailed,
  ShipmentScheduled,
  type CancelShipmentMessage,
  type ScheduleShipmentMessage,
  type ShippingHandlers,
} from '../../generated/index.js';
import type { AppContext } from '../../generated/app/index.js';
import { executeLater, transactional } from '../../generated/runtime/index.js';

export const DEFAULT_SHIP_TO_COUNTRIES = 'AT,BE,CH,CZ,DE,DK,ES,FR,GB,IE,IT,LU,NL,PL,PT,SE';

/** The countries we deliver to, or `undefined` for anywhere (`SHIP_TO_COUNTRIES=*`). */
function shipToCountries(): ReadonlySet<string> | undefined {
  const list = process.env['SHIP_TO_COUNTRIES'] ?? DEFAULT_SHIP_TO_COUNTRIES;
  if (list.trim() === '*') return undefined;
  return new Set(list.split(',').map((code) => code.trim().toUpperCase()).filter((code) => code !== ''));
}

interface ShipmentRow {
  readonly shipment_id: string;
  readonly carrier: 'post' | 'courier' | 'pickup';
  readonly [column: string]: unknown;
}

// Each handler is `transactional`: it works only through ctx (its transaction and `send`), so its
// inbox row can travel with its first statement. Unmark one before it calls anything outside. Its
// logs go out after the commit (ctx.tx.afterCommit): a redelivery recognised at the commit, or a
// handler run again when its commit group is retried, never logs work that was rolled back.
export const shippingHandlers = {
  /** ScheduleShipment (command from the order saga): Book a delivery for the order. */
  ScheduleShipment: transactional(async (message: ScheduleShipmentMessage, ctx: AppContext): Promise<void> => {
    const { orderId, items, address } = message.data;
    const [existing] = await ctx.tx.query<ShipmentRow>('SELECT shipment_id, carrier FROM shipments WHERE order_id = ?', [orderId]);
    if (existing !== undefined) {
      await ctx.send(ShipmentScheduled, { orderId, shipmentId: existing.shipment_id, carrier: existing.carrier });
      return;
    }
    // Nothing is stored for a refusal: a repeated command is decided again from the same address.
    const countries = shipToCountries();
    if (address !== undefined && countries !== undefined && !countries.has(address.country)) {
      ctx.tx.afterCommit(() => ctx.logger.info({ orderId, country: address.country }, 'shipment failed: country not in SHIP_TO_COUNTRIES'));
      await ctx.send(ShipmentFailed, { orderId, reason: `cannot deliver to ${address.country}: outside our delivery area` });
      return;
    }
    const units = items.reduce((sum, item) => sum + item.quantity, 0);
    const carrier = address === undefined ? 'pickup' : units > Number(process.env['SHIPPING_COURIER_ABOVE'] ?? '10') ? 'courier' : 'post';
    const shipmentId = randomUUID();
    // executeLater: nothing reads the result, so it may travel with the commit (one round trip less).
    await executeLater(ctx.tx, 'INSERT INTO shipments (shipment_id, order_id, status, carrier, created_at) VALUES (?, ?, ?, ?, ?)', [shipmentId, orderId, 'SCHEDULED', carrier, ctx.now]);
    ctx.tx.afterCommit(() => ctx.logger.info({ orderId, shipmentId, carrier }, 'shipment scheduled'));
    await ctx.send(ShipmentScheduled, { orderId, shipmentId, carrier });
  }),

  /** CancelShipment (compensation from the order saga): Cancel a booked delivery. */
  CancelShipment: transactional(async (message: CancelShipmentMessage, ctx: AppContext): Promise<void> => {
    const { orderId, shipmentId } = message.data;
    const cancelled = await ctx.tx.execute("UPDATE shipments SET status = 'CANCELLED', cancelled_at = ? WHERE order_id = ? AND status = 'SCHEDULED'", [ctx.now, orderId]);
    ctx.tx.afterCommit(() => ctx.logger.info({ orderId, cancelled: cancelled > 0 }, cancelled > 0 ? 'shipment cancelled' : 'nothing to cancel'));
    await ctx.send(ShipmentCancelled, { orderId, shipmentId });
  }),
} satisfies ShippingHandlers<AppContext>;
