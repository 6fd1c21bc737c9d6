// The notification service's message handlers. This file is yours: edasaga created it once and only
// ever adds a handler here when the catalog gains a message this service consumes.
import type { HandlerContext, NotificationHandlers, OrderConfirmedMessage, OrderCancelledMessage, PaymentRefundedMessage } from '../../generated/index.js';

export const notificationHandlers = {
  /** OrderConfirmed (event from the order service, topic "orders"): Payment, stock and shipment are all in place; the order will be delivered. */
  async OrderConfirmed(message: OrderConfirmedMessage, ctx: HandlerContext): Promise<void> {
    ctx.log('TODO: handle OrderConfirmed', { subject: message.subject });
  },
  /** OrderCancelled (event from the order service, topic "orders"): The order could not be completed; any payment was refunded and any stock released. */
  async OrderCancelled(message: OrderCancelledMessage, ctx: HandlerContext): Promise<void> {
    ctx.log('TODO: handle OrderCancelled', { subject: message.subject });
  },
  /** PaymentRefunded (event from the payment service, topic "payments"): The charge was given back. */
  async PaymentRefunded(message: PaymentRefundedMessage, ctx: HandlerContext): Promise<void> {
    ctx.log('TODO: handle PaymentRefunded', { subject: message.subject });
  },
} satisfies NotificationHandlers;
