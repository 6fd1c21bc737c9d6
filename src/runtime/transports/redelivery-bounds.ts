// The broker transports' redelivery defaults, in one module of plain numbers: the transports use
// them, and `edasaga validate` reads them (src/validate/timeout-rules.ts) without loading a broker
// client. A redelivery bound is how long a message handed to a consumer that then dies stays
// unacknowledged before the broker gives it to another consumer.

/** NATS JetStream consumer ack_wait: an unacknowledged message is redelivered after it. */
export const NATS_DEFAULT_ACK_WAIT_MS = 10_000;

/** Kafka group session timeout: a consumer that stops heartbeating is out of the group after it. */
export const KAFKA_DEFAULT_SESSION_TIMEOUT_MS = 10_000;
/** Kafka rebalance timeout: how long the group waits for its members to rejoin. */
export const KAFKA_DEFAULT_REBALANCE_TIMEOUT_MS = 10_000;
export const KAFKA_DEFAULT_HEARTBEAT_INTERVAL_MS = 1000;

export type RedeliveryTransport = 'in-process' | 'nats' | 'kafka';

/**
 * Worst-case delay before a dead consumer's messages are delivered again, per transport. Kafka:
 * the session must expire, then the rebalance complete. In-process: a process that dies takes its
 * queue with it, so nothing is waiting on a redelivery.
 */
export const REDELIVERY_BOUND_MS: Readonly<Record<RedeliveryTransport, number>> = {
  'in-process': 0,
  nats: NATS_DEFAULT_ACK_WAIT_MS,
  kafka: KAFKA_DEFAULT_SESSION_TIMEOUT_MS + KAFKA_DEFAULT_REBALANCE_TIMEOUT_MS,
};
