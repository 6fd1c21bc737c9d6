// What a runtime tells whoever observes it (observability/metrics.ts implements it for Prometheus).
// Every hook is optional and a runtime created without an observer calls none of them: it measures
// no durations and allocates nothing for them, so an unobserved runtime pays nothing.
import type { Db } from './db/port.js';
import type { Outbox } from './store/outbox.js';

/**
 * What became of one message a consumer took (the label of edasaga_messages_handled_total).
 * `transient` is a retry for the infrastructure's sake (a deadlock, a lost database; retried for as
 * long as it lasts and never counted toward the delivery cap), kept apart from `retry` (the
 * handler's own failure) so that a database restart does not look like a bug in a handler.
 */
export type HandledOutcome = 'ok' | 'duplicate' | 'retry' | 'transient' | 'dead_letter';

/** The parts of a running service an observer may read when asked (scrape time). */
export interface ObservedService {
  readonly name: string;
  readonly db: Db;
  readonly outbox: Outbox;
  /** Saga types this service orchestrates, with every state of their machines. */
  readonly sagas: readonly { readonly name: string; readonly states: readonly string[] }[];
}

export interface RuntimeObserver {
  /** A runtime started; the returned function is called when it stops. */
  attach?(service: ObservedService): () => void;
  /** The relay published (and marked) `messages` outbox rows. */
  relayPublished?(service: string, messages: number): void;
  /** A relay pass failed (the transport refused, the database is away); it retries with backoff. */
  relayFailed?(service: string): void;
  /** A consumer decided a message of a type it handles; `seconds` from taking it to the decision. */
  messageHandled?(service: string, type: string, outcome: HandledOutcome, seconds: number): void;
  /** A saga reached a terminal state (`completed`, `compensated`, `failed`), `seconds` after it started. */
  sagaFinished?(saga: string, outcome: string, seconds: number): void;
}
