// How the OrderSaga turns what it knows into the payload of each message it sends. This file is
// yours: edasaga created it once and only ever adds a builder here when the saga gains a message.
// `data.start` is the OrderCreated that started the saga; `data.replies` holds the latest reply of
// each kind. Payloads are validated against the catalog when sent.
import type { OrderSagaBuilders, OrderSagaData } from '../generated/app/sagas/order-saga.js';
import type {
  CancelShipment,
  OrderCancelled,
  OrderConfirmed,
  ProcessPayment,
  RefundPayment,
  ReleaseInventory,
  ReserveInventory,
  ScheduleShipment,
} from '../generated/index.js';
import { optional } from '../generated/app/saga-support.js';

export const orderSagaBuilders = {
  ProcessPayment(data: OrderSagaData): ProcessPayment {
    return { orderId: data.start.orderId, customerId: data.start.customerId, amount: data.start.total };
  },
  /** Also sent when the payment step timed out: then there may be no paymentId, and the refund goes by order. */
  RefundPayment(data: OrderSagaData): RefundPayment {
    const payment = data.replies.PaymentCompleted;
    return { orderId: data.start.orderId, paymentId: payment?.paymentId ?? 'unknown', amount: payment?.amount ?? data.start.total };
  },
  ReserveInventory(data: OrderSagaData): ReserveInventory {
    return { orderId: data.start.orderId, items: data.start.items };
  },
  ReleaseInventory(data: OrderSagaData): ReleaseInventory {
    return { orderId: data.start.orderId, reservationId: data.replies.InventoryReserved?.reservationId ?? 'unknown' };
  },
  ScheduleShipment(data: OrderSagaData): ScheduleShipment {
    return { orderId: data.start.orderId, items: data.start.items, ...optional('address', data.start.shippingAddress) };
  },
  CancelShipment(data: OrderSagaData): CancelShipment {
    return { orderId: data.start.orderId, shipmentId: data.replies.ShipmentScheduled?.shipmentId ?? 'unknown' };
  },
  OrderConfirmed(data: OrderSagaData): OrderConfirmed {
    return { orderId: data.start.orderId, customerId: data.start.customerId, ...optional('shipmentId', data.replies.ShipmentScheduled?.shipmentId) };
  },
  OrderCancelled(data: OrderSagaData): OrderCancelled {
    const failure = data.replies.PaymentFailed ?? data.replies.InventoryReservationFailed ?? data.replies.ShipmentFailed;
    return { orderId: data.start.orderId, customerId: data.start.customerId, reason: failure?.reason ?? 'a step did not answer in time' };
  },
} satisfies OrderSagaBuilders;
