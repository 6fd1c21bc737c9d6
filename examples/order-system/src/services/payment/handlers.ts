// The payment service's message handlers. This file is yours: edasaga created it once and only ever
// adds a handler here when the catalog gains a message this service consumes.
//
// PLACEHOLDER BUSINESS LOGIC: it makes the system run end to end; put the real charging (a payment
// provider call, fraud checks, ...) here. Charges above PAYMENT_DECLINE_ABOVE minor units (default
// 100000, i.e. 1,000.00) are declined. Payments live in the `payments` table (see migrations.ts).
import { randomUUID } from 'node:crypto';
import {
  PaymentCompleted,
  PaymentFailed,
  PaymentRefunded,
  type PaymentHandlers,
  type ProcessPaymentMessage,
  type RefundPaymentMessage,
} from '../../generated/index.js';
import type { AppContext } from '../../generated/app/index.js';
import { executeLater, transactional } from '../../generated/runtime/index.js';

function declineAbove(): number {
  const limit = Number(process.env['PAYMENT_DECLINE_ABOVE'] ?? '100000');
  return Number.isFinite(limit) ? limit : 100000;
}

interface PaymentRow {
  readonly payment_id: string;
  readonly status: string;
}

// Each handler is `transactional`: it works only through ctx (its transaction and `send`), so its
// inbox row can travel with its first statement. Unmark one before it calls anything outside. Its
// logs go out after the commit (ctx.tx.afterCommit): a redelivery recognised at the commit, or a
// handler run again when its commit group is retried, never logs work that was rolled back.
export const paymentHandlers = {
  /** ProcessPayment (command from the order saga): Charge the customer for an order. */
  ProcessPayment: transactional(async (message: ProcessPaymentMessage, ctx: AppContext): Promise<void> => {
    const { orderId, customerId, amount } = message.data;
    // The saga sends the command again when a reply is late: charge once per order, answer again.
    const [existing] = await ctx.tx.query<PaymentRow & Record<string, unknown>>('SELECT payment_id, status FROM payments WHERE order_id = ?', [orderId]);
    if (existing !== undefined) {
      await ctx.send(PaymentCompleted, { orderId, paymentId: existing.payment_id, amount });
      return;
    }
    if (amount.amount > declineAbove()) {
      ctx.tx.afterCommit(() => ctx.logger.info({ orderId, amount }, 'payment declined'));
      await ctx.send(PaymentFailed, { orderId, reason: `payment declined: ${amount.amount} ${amount.currency} is above the limit of ${declineAbove()}` });
      return;
    }
    const paymentId = randomUUID();
    // Nothing reads this write's result, so it may leave with the transaction's next statement or
    // its commit (on PostgreSQL one round trip less per payment).
    await executeLater(
      ctx.tx,
      'INSERT INTO payments (payment_id, order_id, customer_id, amount, currency, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [paymentId, orderId, customerId, amount.amount, amount.currency, 'CHARGED', ctx.now],
    );
    ctx.tx.afterCommit(() => ctx.logger.info({ orderId, paymentId, amount }, 'payment charged'));
    await ctx.send(PaymentCompleted, { orderId, paymentId, amount });
  }),

  /** RefundPayment (compensation from the order saga): Give back the money charged for an order. */
  RefundPayment: transactional(async (message: RefundPaymentMessage, ctx: AppContext): Promise<void> => {
    const { orderId, paymentId, amount } = message.data;
    // By order, not only by payment id: a charge whose reply never reached the saga is refunded too.
    const refunded = await ctx.tx.execute("UPDATE payments SET status = 'REFUNDED', refunded_at = ? WHERE order_id = ? AND status = 'CHARGED'", [ctx.now, orderId]);
    ctx.tx.afterCommit(() => ctx.logger.info({ orderId, paymentId, refunded: refunded > 0 }, refunded > 0 ? 'payment refunded' : 'nothing to refund'));
    await ctx.send(PaymentRefunded, { orderId, paymentId, amount });
  }),
} satisfies PaymentHandlers<AppContext>;
