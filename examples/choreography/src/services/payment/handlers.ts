// The payment service's reactions in the OrderFlow choreography. This file is yours: edasaga created
// it once and only ever adds a handler here when the service comes to consume another event.
//
// PLACEHOLDER BUSINESS LOGIC: charges above PAYMENT_DECLINE_ABOVE minor units (default 100000, i.e.
// 1,000.00) are declined. Payments live in the `payments` table (see migrations.ts).
import { randomUUID } from 'node:crypto';
import {
  PaymentCompleted,
  PaymentDeclined,
  PaymentRefunded,
  type InventoryReleasedMessage,
  type InventoryReservationFailedMessage,
  type OrderCreatedMessage,
  type PaymentHandlers,
} from '../../generated/index.js';
import type { AppContext } from '../../generated/app/index.js';
import { executeLater, transactional } from '../../generated/runtime/index.js';

function declineAbove(): number {
  const limit = Number(process.env['PAYMENT_DECLINE_ABOVE'] ?? '100000');
  return Number.isFinite(limit) ? limit : 100000;
}

interface PaymentRow {
  readonly payment_id: string;
  readonly amount: unknown;
  readonly currency: string;
  readonly [column: string]: unknown;
}

/**
 * refund: once per order, whichever failure event asks first (InventoryReservationFailed or
 * InventoryReleased) and however often it is delivered: only a CHARGED row turns REFUNDED.
 */
async function refund(ctx: AppContext, orderId: string): Promise<void> {
  const [payment] = await ctx.tx.query<PaymentRow>("SELECT payment_id, amount, currency FROM payments WHERE order_id = ? AND status = 'CHARGED'", [orderId]);
  if (payment === undefined) return; // never charged, or refunded already: nothing to undo
  await ctx.tx.execute("UPDATE payments SET status = 'REFUNDED', refunded_at = ? WHERE payment_id = ? AND status = 'CHARGED'", [ctx.now, payment.payment_id]);
  const amount = { amount: Number(payment.amount), currency: payment.currency };
  ctx.tx.afterCommit(() => ctx.logger.info({ orderId, paymentId: payment.payment_id }, 'payment refunded'));
  await ctx.send(PaymentRefunded, { orderId, paymentId: payment.payment_id, amount });
}

// Each handler is `transactional`: it works only through ctx (its transaction and `send`), so its
// inbox row travels with its first statement, and what it publishes commits with its effects.
export const paymentHandlers = {
  /** charge: OrderCreated -> PaymentCompleted | PaymentDeclined. */
  OrderCreated: transactional(async (message: OrderCreatedMessage, ctx: AppContext): Promise<void> => {
    const { orderId, customerId, total, items, shippingAddress } = message.data;
    // The same order published again (a new message id) must not charge twice. The outcome of the
    // first delivery was published with its charge, so there is nothing to answer again.
    const [existing] = await ctx.tx.query<PaymentRow>('SELECT payment_id FROM payments WHERE order_id = ?', [orderId]);
    if (existing !== undefined) return;
    if (total.amount > declineAbove()) {
      // Recorded as DECLINED so that a repeat is recognised, and nothing is ever refunded for it.
      await executeLater(ctx.tx, 'INSERT INTO payments (payment_id, order_id, customer_id, amount, currency, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        randomUUID(), orderId, customerId, total.amount, total.currency, 'DECLINED', ctx.now,
      ]);
      ctx.tx.afterCommit(() => ctx.logger.info({ orderId, total }, 'payment declined'));
      await ctx.send(PaymentDeclined, { orderId, reason: `payment declined: ${total.amount} ${total.currency} is above the limit of ${declineAbove()}` });
      return;
    }
    const paymentId = randomUUID();
    await executeLater(ctx.tx, 'INSERT INTO payments (payment_id, order_id, customer_id, amount, currency, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      paymentId, orderId, customerId, total.amount, total.currency, 'CHARGED', ctx.now,
    ]);
    ctx.tx.afterCommit(() => ctx.logger.info({ orderId, paymentId, total }, 'payment charged'));
    await ctx.send(PaymentCompleted, { orderId, paymentId, amount: total, items, ...(shippingAddress === undefined ? {} : { shippingAddress }) });
  }),

  /** refund: out of stock after the charge. */
  InventoryReservationFailed: transactional(async (message: InventoryReservationFailedMessage, ctx: AppContext): Promise<void> => {
    await refund(ctx, message.data.orderId);
  }),

  /** refund: stock released after shipping failed (undone in reverse order). */
  InventoryReleased: transactional(async (message: InventoryReleasedMessage, ctx: AppContext): Promise<void> => {
    await refund(ctx, message.data.orderId);
  }),
} satisfies PaymentHandlers<AppContext>;
