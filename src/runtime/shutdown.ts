// Graceful shutdown of one service runtime, within a bound: stop taking messages and wait for the
// handlers in flight, stop the saga timers (a tick writes outbox rows too), publish what is left in
// the outbox, stop the relay. Whatever does not finish within the bound is left as it is, which is
// safe by design: a handler that did not commit is redelivered to the next process, outbox rows not
// published are published by the next relay. The report says which of these happened.
import type { Consumer } from './consumer.js';
import type { OutboxRelay } from './relay.js';
import { within } from './relay.js';
import type { Outbox } from './store/outbox.js';
import type { Db } from './db/port.js';
import type { SagaEngine } from './saga/engine.js';

/** Default bound of ServiceRuntime.stop(): well inside Kubernetes' 30 s grace period. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** How far past its bound stop() may take to count what is left in the outbox for its report. */
export const REPORT_GRACE_MS = 100;

export interface ShutdownReport {
  readonly service: string;
  /** The bound it was given. */
  readonly timeoutMs: number;
  readonly durationMs: number;
  /** Whether everything below finished within the bound. */
  readonly complete: boolean;
  /** Deliveries being handled when stop() was called. */
  readonly inFlightAtStop: number;
  /** Of those, still running at the bound: not acknowledged, so the broker delivers them again. */
  readonly inFlightLeft: number;
  readonly consumerStopped: boolean;
  readonly timersStopped: boolean;
  /** Outbox rows the flush published (after the consumer and the timers had stopped). */
  readonly flushed: number;
  /** Rows still in the outbox at the end (published by the next start), undefined if the database did not say. */
  readonly outboxPending: number | undefined;
}

export interface ShutdownParts {
  readonly service: string;
  readonly db: Db;
  readonly outbox: Outbox;
  readonly consumer: Consumer;
  readonly relay: OutboxRelay;
  readonly sagas: Iterable<SagaEngine<unknown>>;
}

export async function shutDown(parts: ShutdownParts, timeoutMs: number): Promise<ShutdownReport> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const left = (): number => Math.max(0, deadline - Date.now());
  const inFlightAtStop = parts.consumer.inFlight;
  const consumerStopped = (await within(parts.consumer.stop().then(() => true), left())) === true;
  const timers = Promise.all([...parts.sagas].map((engine) => engine.stopTimer())).then(() => true);
  const timersStopped = (await within(timers, left())) === true;
  // The relay's own loop first (it may be half-way through a pass), then what is left, by hand.
  const relayStopped = (await within(parts.relay.stop().then(() => true), left())) === true;
  const flush = relayStopped ? await parts.relay.flush(deadline).catch(() => ({ published: 0, complete: false })) : { published: 0, complete: false };
  // Asked even at the bound (for up to REPORT_GRACE_MS): the report is what an operator reads after a slow stop.
  const pending = await within(
    parts.db.transaction((tx) => parts.outbox.countPending(tx)).catch(() => undefined),
    Math.max(left(), REPORT_GRACE_MS),
  );
  const inFlightLeft = parts.consumer.inFlight;
  return {
    service: parts.service,
    timeoutMs,
    durationMs: Date.now() - started,
    complete: consumerStopped && timersStopped && flush.complete && inFlightLeft === 0,
    inFlightAtStop,
    inFlightLeft,
    consumerStopped,
    timersStopped,
    flushed: flush.published,
    outboxPending: pending,
  };
}
