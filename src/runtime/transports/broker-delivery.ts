// What the broker transports (Kafka, NATS JetStream) share about one delivery: asking the handler,
// turning a thrown error into a retry, enforcing the delivery cap, waiting out a retry delay while
// keeping the broker's lease alive, and the headers a dead letter carries.
import type { Delivery, DeliveryOutcome, TransportMessage } from '../transport.js';
import { sleep } from '../sleep.js';

export { sleep };

export interface BrokerDeliveryOptions {
  /**
   * Deliveries of one message before a `retry` outcome is turned into a dead letter. Default 25.
   * The consumer's own policy usually dead-letters earlier; this is the transport's backstop.
   */
  readonly maxDeliveries?: number;
  /** Delay used when a handler throws instead of returning an outcome. Default 100 ms. */
  readonly errorRetryDelayMs?: number;
  /** Called when a handler throws (the transport then retries); defaults to ignoring it. */
  readonly onHandlerError?: (error: unknown, delivery: Delivery, group: string) => void;
  /** Called when copying a message to its dead-letter topic fails (the transport tries again). */
  readonly onDeadLetterError?: (error: unknown, message: TransportMessage, group: string) => void;
}

export const DEFAULT_MAX_DELIVERIES = 25;
export const DEFAULT_ERROR_RETRY_DELAY_MS = 100;

/**
 * Runs the handler once and applies the transport's rules to what it decided. `counted` is the
 * number of deliveries that count toward the cap: every delivery except those that ended in a
 * transient retry (a deadlock, a lost database), which says nothing about the message.
 */
export async function decide(
  handle: (delivery: Delivery) => Promise<DeliveryOutcome>,
  delivery: Delivery,
  group: string,
  options: BrokerDeliveryOptions,
  counted: number = delivery.attempt,
): Promise<DeliveryOutcome> {
  let outcome: DeliveryOutcome;
  try {
    outcome = await handle(delivery);
  } catch (error) {
    options.onHandlerError?.(error, delivery, group);
    outcome = { kind: 'retry', delayMs: options.errorRetryDelayMs ?? DEFAULT_ERROR_RETRY_DELAY_MS };
  }
  const cap = options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
  if (outcome.kind === 'retry' && outcome.transient !== true && counted >= cap) {
    return { kind: 'dead-letter', reason: `delivery cap reached (${cap} attempts)` };
  }
  return outcome;
}

/**
 * Waits `ms`, calling `keepAlive` every `keepAliveEveryMs` meanwhile (broker heartbeats / lease
 * extensions). Resolves true when the time is up, false as soon as `signal` aborts.
 * An error thrown by `keepAlive` rejects (Kafka uses that to give up a partition on rebalance).
 */
export async function waitWithKeepAlive(
  ms: number,
  signal: AbortSignal,
  keepAlive: () => Promise<void>,
  keepAliveEveryMs: number,
): Promise<boolean> {
  const until = Date.now() + ms;
  while (!signal.aborted) {
    const left = until - Date.now();
    if (left <= 0) return true;
    await sleep(Math.min(left, keepAliveEveryMs), signal);
    if (!signal.aborted && Date.now() < until) await keepAlive();
  }
  return false;
}

/** Headers of a message moved to the dead-letter topic: the original ones plus why and where from. */
export function deadLetterHeaders(
  message: TransportMessage,
  group: string,
  attempts: number,
  reason: string,
): Record<string, string> {
  return {
    ...message.headers,
    'x-dead-letter-reason': reason,
    'x-dead-letter-group': group,
    'x-dead-letter-attempts': String(attempts),
    'x-dead-letter-topic': message.topic,
  };
}
