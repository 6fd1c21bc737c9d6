// The analytics service's listener in the OrderFlow choreography: it records every order placed and
// publishes nothing. This file is yours: edasaga created it once and only ever adds a handler here
// when the service comes to consume another event.
import type { AnalyticsHandlers, OrderCreatedMessage } from '../../generated/index.js';
import type { AppContext } from '../../generated/app/index.js';
import { executeLater, transactional } from '../../generated/runtime/index.js';

export const analyticsHandlers = {
  /** recordOrder: one row per order, however often OrderCreated is delivered. */
  OrderCreated: transactional(async (message: OrderCreatedMessage, ctx: AppContext): Promise<void> => {
    const { orderId, customerId, items, total } = message.data;
    const quantity = items.reduce((sum, item) => sum + item.quantity, 0);
    await executeLater(ctx.tx, 'INSERT INTO order_facts (order_id, customer_id, item_count, amount, currency, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING', [
      orderId, customerId, quantity, total.amount, total.currency, ctx.now,
    ]);
  }),
} satisfies AnalyticsHandlers<AppContext>;
