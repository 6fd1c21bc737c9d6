// How the OrderSaga turns what it knows into the payload of each message it sends. This file is
// yours: edasaga created it once, with a default for every field whose name (and schema) it found in
// the starting event or in an earlier reply, and `todo(...)` for the rest. It only ever adds a
// builder here when the saga gains a message. Payloads are validated against the catalog when sent.
import type { OrderSagaData, OrderSagaBuilders } from '../generated/app/sagas/order-saga.js';
import type { ProcessPayment, RefundPayment, ReserveInventory, ReleaseInventory, ScheduleShipment, CancelShipment, OrderConfirmed, OrderCancelled } from '../generated/index.js';
import { optional, requireReply, todo } from '../generated/app/saga-support.js';

// Referenced so that the defaults compile whichever helpers they happen to use.
void optional;
void requireReply;
void todo;

export const orderSagaBuilders = {
  /** The payload of ProcessPayment (command to the payment service). */
  ProcessPayment(data: OrderSagaData): ProcessPayment {
    return {
      orderId: data.start.orderId,
      customerId: data.start.customerId,
      amount: todo("OrderSaga: ProcessPayment.amount"),
    };
  },
  /** The payload of RefundPayment (command to the payment service). */
  RefundPayment(data: OrderSagaData): RefundPayment {
    return {
      orderId: data.start.orderId,
      paymentId: requireReply(data, "PaymentCompleted").paymentId,
      amount: requireReply(data, "PaymentCompleted").amount,
    };
  },
  /** The payload of ReserveInventory (command to the inventory service). */
  ReserveInventory(data: OrderSagaData): ReserveInventory {
    return {
      orderId: data.start.orderId,
      items: data.start.items,
    };
  },
  /** The payload of ReleaseInventory (command to the inventory service). */
  ReleaseInventory(data: OrderSagaData): ReleaseInventory {
    return {
      orderId: data.start.orderId,
      reservationId: requireReply(data, "InventoryReserved").reservationId,
    };
  },
  /** The payload of ScheduleShipment (command to the shipping service). */
  ScheduleShipment(data: OrderSagaData): ScheduleShipment {
    return {
      orderId: data.start.orderId,
      items: data.start.items,
    };
  },
  /** The payload of CancelShipment (command to the shipping service). */
  CancelShipment(data: OrderSagaData): CancelShipment {
    return {
      orderId: data.start.orderId,
      shipmentId: requireReply(data, "ShipmentScheduled").shipmentId,
    };
  },
  /** The payload of OrderConfirmed (event to the order service). */
  OrderConfirmed(data: OrderSagaData): OrderConfirmed {
    return {
      orderId: data.start.orderId,
      customerId: data.start.customerId,
      ...optional("shipmentId", data.replies.ShipmentScheduled?.shipmentId),
    };
  },
  /** The payload of OrderCancelled (event to the order service). */
  OrderCancelled(data: OrderSagaData): OrderCancelled {
    return {
      orderId: data.start.orderId,
      customerId: data.start.customerId,
      reason: data.replies.PaymentFailed?.reason ?? data.replies.InventoryReservationFailed?.reason ?? requireReply(data, "ShipmentFailed").reason,
    };
  },
} satisfies OrderSagaBuilders;
