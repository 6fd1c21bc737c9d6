// The shipping service's reaction in the OrderFlow choreography. This file is yours: edasaga created
// it once and only ever adds a handler here when the service comes to consume another event.
//
// PLACEHOLDER BUSINESS LOGIC: delivers to the countries in SHIP_TO_COUNTRIES (default: a list of
// European countries; `*` for anywhere); an order without an address is picked up. Shipments live in
// the `shipments` table (see migrations.ts).
import { randomUUID } from 'node:crypto';
import { ShipmentFailed, ShipmentScheduled, type InventoryReservedMessage, type ShippingHandlers } from '../../generated/index.js';
import type { AppContext } from '../../generated/app/index.js';
import { executeLater, transactional } from '../../generated/runtime/index.js';

export const DEFAULT_SHIP_TO_COUNTRIES = 'AT,BE,CH,CZ,DE,DK,ES,FR,GB,IE,IT,LU,NL,PL,PT,SE';

function shipToCountries(): ReadonlySet<string> | undefined {
  const list = process.env['SHIP_TO_COUNTRIES'] ?? DEFAULT_SHIP_TO_COUNTRIES;
  if (list.trim() === '*') return undefined;
  return new Set(list.split(',').map((code) => code.trim().toUpperCase()).filter((code) => code !== ''));
}

export const shippingHandlers = {
  /** schedule: InventoryReserved -> ShipmentScheduled | ShipmentFailed. */
  InventoryReserved: transactional(async (message: InventoryReservedMessage, ctx: AppContext): Promise<void> => {
    const { orderId, items, shippingAddress } = message.data;
    // Decided once per order (a refusal is stored too): a repeat publishes nothing new.
    const [existing] = await ctx.tx.query<{ shipment_id: string }>('SELECT shipment_id FROM shipments WHERE order_id = ?', [orderId]);
    if (existing !== undefined) return;
    const countries = shipToCountries();
    if (shippingAddress !== undefined && countries !== undefined && !countries.has(shippingAddress.country)) {
      await executeLater(ctx.tx, 'INSERT INTO shipments (shipment_id, order_id, status, carrier, created_at) VALUES (?, ?, ?, ?, ?)', [randomUUID(), orderId, 'FAILED', null, ctx.now]);
      ctx.tx.afterCommit(() => ctx.logger.info({ orderId, country: shippingAddress.country }, 'no delivery to this country'));
      await ctx.send(ShipmentFailed, { orderId, reason: `no delivery to ${shippingAddress.country}` });
      return;
    }
    const shipmentId = randomUUID();
    const carrier = shippingAddress === undefined ? 'pickup' : items.length > 3 ? 'courier' : 'post';
    await executeLater(ctx.tx, 'INSERT INTO shipments (shipment_id, order_id, status, carrier, created_at) VALUES (?, ?, ?, ?, ?)', [shipmentId, orderId, 'SCHEDULED', carrier, ctx.now]);
    ctx.tx.afterCommit(() => ctx.logger.info({ orderId, shipmentId, carrier }, 'shipment scheduled'));
    await ctx.send(ShipmentScheduled, { orderId, shipmentId, carrier });
  }),
} satisfies ShippingHandlers<AppContext>;
