// The shipping service's message handlers. This file is yours: edasaga created it once and only
// ever adds a handler here when the catalog gains a message this service consumes.
import type { HandlerContext, ShippingHandlers, ScheduleShipmentMessage, CancelShipmentMessage } from '../../generated/index.js';

export const shippingHandlers = {
  /** ScheduleShipment (command from the shipping service, topic "shipping-commands"): Book a delivery for the order. */
  async ScheduleShipment(message: ScheduleShipmentMessage, ctx: HandlerContext): Promise<void> {
    ctx.log('ScheduleShipment has no handler yet', { subject: message.subject });
    throw new Error('not implemented: handle ScheduleShipment in src/services/shipping/handlers.ts');
  },
  /** CancelShipment (command from the shipping service, topic "shipping-commands"): Cancel a booked delivery (compensates ScheduleShipment). */
  async CancelShipment(message: CancelShipmentMessage, ctx: HandlerContext): Promise<void> {
    ctx.log('CancelShipment has no handler yet', { subject: message.subject });
    throw new Error('not implemented: handle CancelShipment in src/services/shipping/handlers.ts');
  },
} satisfies ShippingHandlers;
