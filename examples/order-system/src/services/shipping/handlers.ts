// The shipping service's message handlers. This file is yours: edasaga created it once and only
// ever adds a handler here when the catalog gains a message this service consumes.
//
// PLACEHOLDER BUSINESS LOGIC: it makes the system run end to end; put the real carrier booking
// here. Every shipment is scheduled (by post; by courier above SHIPPING_COURIER_ABOVE items,
// default 10). Shipments live in the `shipments` table.
import { randomUUID } from 'node:crypto';
import {
  ShipmentCancelled,
  ShipmentScheduled,
  type CancelShipmentMessage,
  type ScheduleShipmentMessage,
  type ShippingHandlers,
} from '../../generated/index.js';
import type { AppContext } from '../../generated/app/context.js';

interface ShipmentRow {
  readonly shipment_id: string;
  readonly carrier: 'post' | 'courier' | 'pickup';
  readonly [column: string]: unknown;
}

export const shippingHandlers = {
  /** ScheduleShipment (command from the order saga): Book a delivery for the order. */
  async ScheduleShipment(message: ScheduleShipmentMessage, ctx: AppContext): Promise<void> {
    const { orderId, items } = message.data;
    const [existing] = await ctx.tx.query<ShipmentRow>('SELECT shipment_id, carrier FROM shipments WHERE order_id = ?', [orderId]);
    if (existing !== undefined) {
      await ctx.send(ShipmentScheduled, { orderId, shipmentId: existing.shipment_id, carrier: existing.carrier });
      return;
    }
    const units = items.reduce((sum, item) => sum + item.quantity, 0);
    const carrier = units > Number(process.env['SHIPPING_COURIER_ABOVE'] ?? '10') ? 'courier' : 'post';
    const shipmentId = randomUUID();
    await ctx.tx.execute('INSERT INTO shipments (shipment_id, order_id, status, carrier, created_at) VALUES (?, ?, ?, ?, ?)', [shipmentId, orderId, 'SCHEDULED', carrier, ctx.now]);
    ctx.logger.info({ orderId, shipmentId, carrier }, 'shipment scheduled');
    await ctx.send(ShipmentScheduled, { orderId, shipmentId, carrier });
  },

  /** CancelShipment (compensation from the order saga): Cancel a booked delivery. */
  async CancelShipment(message: CancelShipmentMessage, ctx: AppContext): Promise<void> {
    const { orderId, shipmentId } = message.data;
    const cancelled = await ctx.tx.execute("UPDATE shipments SET status = 'CANCELLED', cancelled_at = ? WHERE order_id = ? AND status = 'SCHEDULED'", [ctx.now, orderId]);
    ctx.logger.info({ orderId, cancelled: cancelled > 0 }, cancelled > 0 ? 'shipment cancelled' : 'nothing to cancel');
    await ctx.send(ShipmentCancelled, { orderId, shipmentId });
  },
} satisfies ShippingHandlers<AppContext>;
