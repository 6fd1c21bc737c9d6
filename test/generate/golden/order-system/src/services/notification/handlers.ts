// The notification service's message handlers. This file is yours: edasaga created it once and only
// ever adds a handler here when the catalog gains a message this service consumes.
import type { HandlerContext, NotificationHandlers, OrderConfirmedMessage, OrderCancelledMessage, PaymentRefundedMessage } from '../../generated/index.js';

export const notificationHandlers = {
  /** OrderConfirmed (event from the order service, topic "orders"): Payment, stock and shipment are all in place; the order will be delivered. */
  async OrderConfirmed(message: OrderConfirmedMessage, ctx: HandlerContext): Promise<void> {
    ctx.log('OrderConfirmed has no handler yet', { subject: message.subject });
    throw new Error('not implemented: handle OrderConfirmed in src/services/notification/handlers.ts');
  },
  /** OrderCancelled (event from the order service, topic "orders"): The order could not be completed; any payment was refunded and any stock released. */
  async OrderCancelled(message: OrderCancelledMessage, ctx: HandlerContext): Promise<void> {
    ctx.log('OrderCancelled has no handler yet', { subject: message.subject });
    throw new Error('not implemented: handle OrderCancelled in src/services/notification/handlers.ts');
  },
  /** PaymentRefunded (event from the payment service, topic "payments"): The charge was given back. */
  async PaymentRefunded(message: PaymentRefundedMessage, ctx: HandlerContext): Promise<void> {
    ctx.log('PaymentRefunded has no handler yet', { subject: message.subject });
    throw new Error('not implemented: handle PaymentRefunded in src/services/notification/handlers.ts');
  },
} satisfies NotificationHandlers;
