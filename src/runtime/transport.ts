// The seam between services and a message broker. The in-process transport (embedded default),
// Kafka and NATS JetStream implement it; the outbox relay publishes through it and consumers
// subscribe through it. Delivery is at-least-once: effects are made once by the inbox, not here.

/** A message as it travels: CloudEvents binary mode (attributes in headers, JSON data in body). */
export interface TransportMessage {
  readonly topic: string;
  /** Ordering key: messages with the same key are delivered in publish order (per topic). */
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface Delivery {
  readonly message: TransportMessage;
  /** 1 on first delivery, incremented on every redelivery of the same message. */
  readonly attempt: number;
}

/**
 * What a consumer decided about a delivery.
 * - `ack`: done (handled, or a duplicate the inbox recognised).
 * - `retry`: redeliver the same message after `delayMs`; later messages with the same key wait
 *   behind it, messages with other keys do not (as far as the broker allows: Kafka keeps order per
 *   partition, so keys that share a partition wait too).
 *   `transient`: the failure was the infrastructure's (a deadlock, a lost database), not the
 *   message's: the transport does not count it toward its delivery cap.
 * - `dead-letter`: give up; the transport moves it to its dead-letter destination and goes on.
 */
export type DeliveryOutcome =
  | { readonly kind: 'ack' }
  | { readonly kind: 'retry'; readonly delayMs: number; readonly transient?: boolean }
  | { readonly kind: 'dead-letter'; readonly reason: string };

export interface SubscribeOptions {
  /** Consumer group: every group gets every message; within a group each message goes to one member. */
  readonly group: string;
  readonly topics: readonly string[];
  handle(delivery: Delivery): Promise<DeliveryOutcome>;
}

export interface Subscription {
  /** Stops taking new deliveries and waits for the ones in flight. */
  close(): Promise<void>;
}

export interface Transport {
  /** `in-process`, `kafka`, `nats`. */
  readonly name: string;
  /** Creates topics/streams if the broker needs them to exist before use; safe to repeat. */
  ensureTopics(topics: readonly string[]): Promise<void>;
  /** Publishes a batch; resolves once the broker has accepted every message (durably, where it can). */
  publish(messages: readonly TransportMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Why the transport cannot deliver right now (disconnected from the broker, reconnecting), or
   * undefined when it can; for readiness. Optional: the in-process transport is never away.
   */
  problem?(): string | undefined;
  /**
   * Messages on `topic` that `group` has not finished with yet (not taken, queued, or being
   * handled), or undefined when the broker cannot say now. A saga asks before it counts a step's
   * timeout: a participant with work queued is busy, not gone (see SagaEngine).
   */
  backlog?(group: string, topic: string): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Name of the dead-letter topic that transports use for a topic. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
