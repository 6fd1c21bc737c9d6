// The notification service's listeners in the OrderFlow choreography: end of their flow, they
// publish nothing. This file is yours: edasaga created it once and only ever adds a handler here when
// the service comes to consume another event.
//
// PLACEHOLDER BUSINESS LOGIC: it records what it would tell the customer in `notifications` and logs
// it; send real e-mails or push messages here.
import type {
  NotificationHandlers,
  OrderCancelledMessage,
  OrderConfirmedMessage,
  PaymentCompletedMessage,
  PaymentRefundedMessage,
} from '../../generated/index.js';
import type { AppContext } from '../../generated/app/index.js';
import { executeLater, transactional } from '../../generated/runtime/index.js';

const money = (m: { amount: number; currency: string }) => `${(m.amount / 100).toFixed(2)} ${m.currency}`;

async function notify(ctx: AppContext, orderId: string, kind: string, text: string): Promise<void> {
  // One message of each kind per order: the same news published twice is told once.
  await executeLater(ctx.tx, 'INSERT INTO notifications (order_id, kind, message_id, text, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id, kind) DO NOTHING', [
    orderId, kind, ctx.envelope.id, text, ctx.now,
  ]);
  ctx.tx.afterCommit(() => ctx.logger.info({ orderId, kind }, text));
}

export const notificationHandlers = {
  /** notifyPayment. */
  PaymentCompleted: transactional(async (message: PaymentCompletedMessage, ctx: AppContext): Promise<void> => {
    await notify(ctx, message.data.orderId, 'payment-received', `We received your payment of ${money(message.data.amount)}.`);
  }),
  /** notifyConfirmed. */
  OrderConfirmed: transactional(async (message: OrderConfirmedMessage, ctx: AppContext): Promise<void> => {
    await notify(ctx, message.data.orderId, 'order-confirmed', `Your order ${message.data.orderId} is confirmed and on its way.`);
  }),
  /** notifyCancelled: the cancellation... */
  OrderCancelled: transactional(async (message: OrderCancelledMessage, ctx: AppContext): Promise<void> => {
    await notify(ctx, message.data.orderId, 'order-cancelled', `Your order ${message.data.orderId} was cancelled: ${message.data.reason}.`);
  }),
  /** ...and the refund with it. */
  PaymentRefunded: transactional(async (message: PaymentRefundedMessage, ctx: AppContext): Promise<void> => {
    await notify(ctx, message.data.orderId, 'payment-refunded', `We refunded ${money(message.data.amount)}.`);
  }),
} satisfies NotificationHandlers<AppContext>;
