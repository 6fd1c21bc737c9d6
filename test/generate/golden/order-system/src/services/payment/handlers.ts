// The payment service's message handlers. This file is yours: edasaga created it once and only
// ever adds a handler here when the catalog gains a message this service consumes.
import type { HandlerContext, PaymentHandlers, ProcessPaymentMessage, RefundPaymentMessage } from '../../generated/index.js';

export const paymentHandlers = {
  /** ProcessPayment (command from the payment service, topic "payment-commands"): Charge the customer for an order. */
  async ProcessPayment(message: ProcessPaymentMessage, ctx: HandlerContext): Promise<void> {
    ctx.log('ProcessPayment has no handler yet', { subject: message.subject });
    throw new Error('not implemented: handle ProcessPayment in src/services/payment/handlers.ts');
  },
  /** RefundPayment (command from the payment service, topic "payment-commands"): Give back the money charged for an order (compensates ProcessPayment). */
  async RefundPayment(message: RefundPaymentMessage, ctx: HandlerContext): Promise<void> {
    ctx.log('RefundPayment has no handler yet', { subject: message.subject });
    throw new Error('not implemented: handle RefundPayment in src/services/payment/handlers.ts');
  },
} satisfies PaymentHandlers;
