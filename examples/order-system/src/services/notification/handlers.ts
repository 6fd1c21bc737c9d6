// The notification service's message handlers (choreography: it only listens). This file is yours:
// edasaga created it once and only ever adds a handler here when the catalog gains a message this
// service consumes.
//
// PLACEHOLDER BUSINESS LOGIC: it records what it would tell the customer in `notifications` and logs
// it; send real e-mails or push messages here.
import type {
  NotificationHandlers,
  OrderCancelledMessage,
  OrderConfirmedMessage,
  PaymentRefundedMessage,
} from '../../generated/index.js';
import type { AppContext } from '../../generated/app/index.js';
import { executeLater, transactional } from '../../generated/runtime/index.js';

async function notify(ctx: AppContext, orderId: string, kind: string, text: string): Promise<void> {
  // Keyed by the message id: the same message never notifies twice, even without the inbox.
  // executeLater: nothing reads the result, so it may travel with the commit (one round trip less).
  await executeLater(ctx.tx, 'INSERT INTO notifications (message_id, order_id, kind, text, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING', [
    ctx.envelope.id,
    orderId,
    kind,
    text,
    ctx.now,
  ]);
  ctx.tx.afterCommit(() => ctx.logger.info({ orderId, kind }, text));
}

// Each handler is `transactional`: it works only through ctx (its transaction and `send`), so its
// inbox row can travel with its first statement. Unmark one before it calls anything outside. Its
// logs go out after the commit (ctx.tx.afterCommit): a redelivery recognised at the commit, or a
// handler run again when its commit group is retried, never logs work that was rolled back.
export const notificationHandlers = {
  /** OrderConfirmed (event from the order service). */
  OrderConfirmed: transactional(async (message: OrderConfirmedMessage, ctx: AppContext): Promise<void> => {
    await notify(ctx, message.data.orderId, 'order-confirmed', `Your order ${message.data.orderId} is confirmed and on its way.`);
  }),
  /** OrderCancelled (event from the order service). */
  OrderCancelled: transactional(async (message: OrderCancelledMessage, ctx: AppContext): Promise<void> => {
    await notify(ctx, message.data.orderId, 'order-cancelled', `Your order ${message.data.orderId} was cancelled: ${message.data.reason}.`);
  }),
  /** PaymentRefunded (event from the payment service). */
  PaymentRefunded: transactional(async (message: PaymentRefundedMessage, ctx: AppContext): Promise<void> => {
    const { amount } = message.data;
    await notify(ctx, message.data.orderId, 'payment-refunded', `We refunded ${(amount.amount / 100).toFixed(2)} ${amount.currency}.`);
  }),
} satisfies NotificationHandlers<AppContext>;
