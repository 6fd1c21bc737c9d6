// The order service's reactions in the OrderFlow choreography. This file is yours: edasaga created
// it once and only ever adds a handler here when the service comes to consume another event.
//
// The order service is the flow's origin: POST /orders publishes OrderCreated, and the generated
// flow tracker appends every event of the flow it sees to the order's timeline (GET /orders/:id)
// before these handlers run, in the same transaction. Here, the order's own record: `orders`
// (see migrations.ts), decided once - the first of confirm/cancel wins, a late event changes nothing.
import {
  OrderCancelled,
  OrderConfirmed,
  type InventoryReleasedMessage,
  type InventoryReservationFailedMessage,
  type InventoryReservedMessage,
  type OrderCancelledMessage,
  type OrderConfirmedMessage,
  type OrderCreatedMessage,
  type OrderHandlers,
  type PaymentCompletedMessage,
  type PaymentDeclinedMessage,
  type PaymentRefundedMessage,
  type ShipmentFailedMessage,
  type ShipmentScheduledMessage,
} from '../../generated/index.js';
import type { AppContext } from '../../generated/app/index.js';
import { transactional } from '../../generated/runtime/index.js';

/** Moves the order to its final status if it has none yet; true if this call did. */
async function settle(ctx: AppContext, orderId: string, status: 'CONFIRMED' | 'CANCELLED', reason: string | null): Promise<boolean> {
  const inserted = await ctx.tx.execute('INSERT INTO orders (order_id, status, reason, decided_at) VALUES (?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING', [orderId, status, reason, ctx.now]);
  return inserted === 1;
}

async function cancel(ctx: AppContext, orderId: string, reason: string): Promise<void> {
  if (!(await settle(ctx, orderId, 'CANCELLED', reason))) return;
  ctx.tx.afterCommit(() => ctx.logger.info({ orderId, reason }, 'order cancelled'));
  await ctx.send(OrderCancelled, { orderId, reason });
}

/**
 * An event of the flow that only goes on the order's timeline (the tracker records it). The origin
 * consumes every event of its flow, its own included, so that the timeline is what it saw.
 */
const seen = transactional(async (): Promise<void> => {});

export const orderHandlers = {
  /** confirm: ShipmentScheduled -> OrderConfirmed. */
  ShipmentScheduled: transactional(async (message: ShipmentScheduledMessage, ctx: AppContext): Promise<void> => {
    const { orderId, shipmentId } = message.data;
    if (!(await settle(ctx, orderId, 'CONFIRMED', null))) return;
    ctx.tx.afterCommit(() => ctx.logger.info({ orderId, shipmentId }, 'order confirmed'));
    await ctx.send(OrderConfirmed, { orderId, shipmentId });
  }),
  /** cancel: nothing was charged. */
  PaymentDeclined: transactional(async (message: PaymentDeclinedMessage, ctx: AppContext): Promise<void> => cancel(ctx, message.data.orderId, message.data.reason)),
  /** cancel: out of stock (payment refunds by itself, on the same event). */
  InventoryReservationFailed: transactional(async (message: InventoryReservationFailedMessage, ctx: AppContext): Promise<void> => cancel(ctx, message.data.orderId, message.data.reason)),
  /** cancel: no delivery (inventory releases, then payment refunds, by themselves). */
  ShipmentFailed: transactional(async (message: ShipmentFailedMessage, ctx: AppContext): Promise<void> => cancel(ctx, message.data.orderId, message.data.reason)),
  PaymentCompleted: seen as (message: PaymentCompletedMessage, ctx: AppContext) => Promise<void>,
  InventoryReserved: seen as (message: InventoryReservedMessage, ctx: AppContext) => Promise<void>,
  InventoryReleased: seen as (message: InventoryReleasedMessage, ctx: AppContext) => Promise<void>,
  PaymentRefunded: seen as (message: PaymentRefundedMessage, ctx: AppContext) => Promise<void>,
  OrderCreated: seen as (message: OrderCreatedMessage, ctx: AppContext) => Promise<void>,
  OrderConfirmed: seen as (message: OrderConfirmedMessage, ctx: AppContext) => Promise<void>,
  OrderCancelled: seen as (message: OrderCancelledMessage, ctx: AppContext) => Promise<void>,
} satisfies OrderHandlers<AppContext>;
