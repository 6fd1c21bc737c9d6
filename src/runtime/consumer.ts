// A service's consumer: one subscription (consumer group = service name) over the topics of its
// handlers. Per delivery: decode, then in ONE transaction record the inbox row, run the handlers
// and write what they publish to the outbox. A handler's failures are retried with exponential
// backoff and jitter (the transport holds back only that key); after `maxAttempts` of them the
// message is stored as a dead letter and the key moves on. Transient faults (faults.ts: a deadlock,
// a lost database) are retried for as long as they last and never count toward `maxAttempts`.
import { fromBinary, type EventEnvelope } from './envelope.js';
import type { Db } from './db/port.js';
import { transientKind, type FaultKind } from './faults.js';
import type { Delivery, DeliveryOutcome, Subscription, Transport } from './transport.js';
import { backoffDelay, DEFAULT_BACKOFF, type Backoff } from './backoff.js';
import { PermanentError, type HandlerContext, type MessageHandler, type PublishOptions, type UnitOfWork } from './context.js';
import type { Outbox } from './store/outbox.js';
import { isInboxConflict, recordInbox } from './store/inbox.js';
import { recordDeadLetter } from './store/dead-letters.js';
import { documentStore, type DocumentStore } from './store/documents.js';
import type { Logger } from './logger.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { OutgoingMessage } from './message.js';
import type { Context } from '@opentelemetry/api';
import type { HandledOutcome, RuntimeObserver } from './observer.js';
import { endSpan, runIn, type RuntimeTracing } from './observability/tracing.js';

export interface ConsumerOptions {
  /** Service name: the consumer group and the inbox's consumer id. */
  readonly service: string;
  /** CloudEvents `source` of what handlers publish. */
  readonly source: string;
  readonly db: Db;
  readonly transport: Transport;
  readonly outbox: Outbox;
  readonly handlers: readonly MessageHandler<unknown>[];
  readonly logger: Logger;
  readonly clock?: Clock;
  /** A handler's failures before a message is dead-lettered (transient faults do not count). Default 5. */
  readonly maxAttempts?: number;
  readonly backoff?: Backoff;
  /** Backoff between retries after a transient fault. Default 100 ms doubling to 5 s. */
  readonly transientBackoff?: Backoff;
  readonly random?: () => number;
  readonly observer?: RuntimeObserver;
  /** A `process` span per delivery of a handled type. */
  readonly tracing?: RuntimeTracing;
}

/** A delivery's decision, with what observers are told about it. */
interface Decision {
  readonly outcome: DeliveryOutcome;
  /** The handled type, or `unknown` when the envelope could not be read; undefined: not this service's type. */
  readonly type: string | undefined;
  readonly duplicate?: boolean;
  readonly error?: unknown;
}

const ACK: DeliveryOutcome = { kind: 'ack' };

function outcomeLabel(decision: Decision): HandledOutcome {
  const { outcome } = decision;
  if (outcome.kind === 'dead-letter') return 'dead_letter';
  if (outcome.kind === 'retry') return outcome.transient === true ? 'transient' : 'retry';
  return decision.duplicate === true ? 'duplicate' : 'ok';
}

export type HandleResult = 'handled' | 'duplicate';

/** A message's failures in this process, by kind (the transport's delivery count includes both). */
interface Failures {
  handler: number;
  transient: number;
}

const DEFAULT_TRANSIENT_BACKOFF: Backoff = { initialMs: 100, multiplier: 2, maxMs: 5000 };
/** Messages whose failures are remembered at most (the oldest are forgotten first). */
const MAX_REMEMBERED = 10_000;
/** Transient faults of one kind are logged at warn at most this often (a lost database fails every message). */
const TRANSIENT_LOG_EVERY_MS = 1000;

export class Consumer {
  private readonly byType = new Map<string, MessageHandler<unknown>[]>();
  private readonly clock: Clock;
  private readonly maxAttempts: number;
  private readonly backoff: Backoff;
  private readonly transientBackoff: Backoff;
  private subscription: Subscription | undefined;
  /**
   * Kept in memory: a restart forgets them, which gives a failing message more attempts, never
   * fewer. The transport's own delivery count cannot serve, as it counts transient faults too.
   */
  private readonly failures = new Map<string, Failures>();
  private readonly lastTransientLog = new Map<FaultKind, number>();
  /** Deliveries being decided now (a shutdown reports those it could not wait for). */
  inFlight = 0;

  constructor(private readonly options: ConsumerOptions) {
    for (const entry of options.handlers) {
      const list = this.byType.get(entry.type) ?? [];
      list.push(entry);
      this.byType.set(entry.type, list);
    }
    this.clock = options.clock ?? systemClock;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.transientBackoff = options.transientBackoff ?? DEFAULT_TRANSIENT_BACKOFF;
  }

  get topics(): string[] {
    return [...new Set(this.options.handlers.map((entry) => entry.topic))].sort();
  }

  async start(): Promise<void> {
    if (this.subscription !== undefined || this.options.handlers.length === 0) return;
    await this.options.transport.ensureTopics(this.topics);
    this.subscription = await this.options.transport.subscribe({
      group: this.options.service,
      topics: this.topics,
      handle: (delivery) => this.handle(delivery),
    });
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
  }

  /** Decides one delivery (the transport calls this; tests may too). */
  async handle(delivery: Delivery): Promise<DeliveryOutcome> {
    // A topic carries types this service does not read: pass them by their type header, without
    // decoding the envelope or parsing its body (a malformed one is not this service's to judge).
    const type = delivery.message.headers['ce_type'];
    if (type !== undefined && !this.byType.has(type)) return ACK;
    const { observer, tracing, service } = this.options;
    const started = observer === undefined ? 0 : performance.now();
    const traced = tracing?.startProcess(delivery.message, service, delivery.attempt);
    this.inFlight += 1;
    let decision: Decision;
    try {
      decision = await this.decide(delivery, traced?.context);
    } finally {
      this.inFlight -= 1;
    }
    if (decision.type !== undefined) {
      const label = outcomeLabel(decision);
      if (traced !== undefined) endSpan(traced.span, decision.error, { 'edasaga.outcome': label });
      observer?.messageHandled?.(service, decision.type, label, (performance.now() - started) / 1000);
    } else {
      traced?.span.end();
    }
    return decision.outcome;
  }

  private async decide(delivery: Delivery, trace: Context | undefined): Promise<Decision> {
    const { logger } = this.options;
    let envelope: EventEnvelope;
    try {
      envelope = fromBinary(delivery.message);
    } catch (error) {
      return { outcome: await this.deadLetter(delivery, 'unknown', delivery.message.headers['ce_id'] ?? 'unknown', error, 1), type: 'unknown', error };
    }
    const handlers = this.byType.get(envelope.type);
    if (handlers === undefined) return { outcome: ACK, type: undefined }; // no type header: known only once decoded
    try {
      const result = await this.process(envelope, handlers, delivery.attempt, trace);
      if (result === 'duplicate') logger.debug({ id: envelope.id, type: envelope.type }, 'duplicate message ignored');
      this.failures.delete(envelope.id);
      return { outcome: ACK, type: envelope.type, duplicate: result === 'duplicate' };
    } catch (error) {
      return { outcome: await this.failed(delivery, envelope, error), type: envelope.type, error };
    }
  }

  /** What a failed delivery becomes: a transient retry, a counted retry, or a dead letter. */
  private async failed(delivery: Delivery, envelope: EventEnvelope, error: unknown): Promise<DeliveryOutcome> {
    const { logger } = this.options;
    const failures = this.failuresOf(envelope.id);
    const kind = transientKind(error);
    if (kind !== undefined) {
      failures.transient += 1;
      // A concurrent writer of the same saga has just committed: the next try will see it.
      const delayMs = kind === 'conflict' ? Math.min(50, this.transientBackoff.initialMs) : backoffDelay(this.transientBackoff, failures.transient, this.options.random);
      this.logTransient(kind, { err: error, id: envelope.id, type: envelope.type, fault: kind, transientFailures: failures.transient, retryInMs: delayMs, correlationid: envelope.correlationid });
      return { kind: 'retry', delayMs, transient: true };
    }
    failures.handler += 1;
    if (error instanceof PermanentError || failures.handler >= this.maxAttempts) {
      return this.deadLetter(delivery, envelope.type, envelope.id, error, failures.handler);
    }
    const delayMs = backoffDelay(this.backoff, failures.handler, this.options.random);
    logger.warn(
      { err: error, id: envelope.id, type: envelope.type, attempt: delivery.attempt, failures: failures.handler, maxAttempts: this.maxAttempts, retryInMs: delayMs, correlationid: envelope.correlationid },
      'handler failed; will retry',
    );
    return { kind: 'retry', delayMs };
  }

  private failuresOf(id: string): Failures {
    let failures = this.failures.get(id);
    if (failures === undefined) {
      if (this.failures.size >= MAX_REMEMBERED) this.failures.delete(this.failures.keys().next().value as string);
      this.failures.set(id, (failures = { handler: 0, transient: 0 }));
    }
    return failures;
  }

  private logTransient(kind: FaultKind, fields: Record<string, unknown>): void {
    const now = Date.now();
    const loud = now - (this.lastTransientLog.get(kind) ?? 0) >= TRANSIENT_LOG_EVERY_MS;
    if (loud) this.lastTransientLog.set(kind, now);
    const message = 'transient fault; will retry (not counted toward the delivery cap)';
    if (loud) this.options.logger.warn(fields, message);
    else this.options.logger.debug(fields, message);
  }

  /** Runs the handlers of one message in one transaction, unless the inbox has seen it. */
  async process(envelope: EventEnvelope, handlers: readonly MessageHandler<unknown>[], attempt = 1, trace?: Context): Promise<HandleResult> {
    const decoded = handlers.map((entry) => {
      try {
        return entry.decode === undefined ? envelope.data : entry.decode(envelope);
      } catch (error) {
        if (error instanceof PermanentError) throw error;
        throw new PermanentError(`cannot decode ${envelope.type} ${envelope.id}: ${(error as Error).message}`, { cause: error });
      }
    });
    const { db, service } = this.options;
    const later = handlers.every((entry) => entry.transactional === true);
    try {
      return await db.transaction(async (tx) => {
        const now = this.clock.now();
        if (!(await recordInbox(tx, service, envelope.id, now, { later }))) return 'duplicate';
        const ctx = this.context(envelope, tx, attempt, now, trace);
        // With `activeContext`, the spans of what a handler calls (an instrumented HTTP client)
        // become children of the `process` span. A transactional handler calls nothing outside, so
        // it never needs it; the others have it as `ctx.trace` in any case (tracing.ts says why).
        const active = this.options.tracing?.activeContext === true ? trace : undefined;
        for (const [index, entry] of handlers.entries()) {
          if (active === undefined || entry.transactional === true) await entry.handler(decoded[index], ctx);
          else await runIn(active, () => entry.handler(decoded[index], ctx));
        }
        return 'handled';
      });
    } catch (error) {
      // The inbox row written without asking found the message handled before: nothing was kept.
      if (later && isInboxConflict(error)) return 'duplicate';
      throw error;
    }
  }

  private context(envelope: EventEnvelope, tx: HandlerContext['tx'], attempt: number, now: number, trace: Context | undefined): HandlerContext {
    const base = createUnitOfWork({ ...this.options, clock: this.clock, tx, now, correlationid: envelope.correlationid, causationid: envelope.id, ...(trace === undefined ? {} : { trace }) });
    return Object.assign(base, { envelope, attempt }) as HandlerContext;
  }

  private async deadLetter(delivery: Delivery, type: string, messageId: string, error: unknown, failures: number): Promise<DeliveryOutcome> {
    const reason = error instanceof Error ? error.message : String(error);
    const { logger, db, service } = this.options;
    try {
      await db.transaction((tx) =>
        recordDeadLetter(tx, { consumer: service, messageId, type, message: delivery.message, error: reason, attempts: failures, now: this.clock.now() }),
      );
    } catch (storeError) {
      // The dead letter could not be stored (the database is away): the message stays with the
      // transport and is decided again later; this failure is not the message's.
      this.logTransient('connection', { err: storeError, id: messageId, type, deadLetterOf: reason });
      return { kind: 'retry', delayMs: backoffDelay(this.transientBackoff, this.failuresOf(messageId).transient += 1, this.options.random), transient: true };
    }
    this.failures.delete(messageId);
    logger.error({ err: error, id: messageId, type, attempts: delivery.attempt, failures }, 'message dead-lettered');
    return { kind: 'dead-letter', reason };
  }
}

export interface UnitOfWorkInit {
  readonly tx: HandlerContext['tx'];
  readonly service: string;
  readonly source: string;
  readonly outbox: Outbox;
  readonly logger: Logger;
  readonly now: number;
  readonly clock: Clock;
  readonly correlationid?: string;
  readonly causationid?: string;
  /** Trace context: the messages it publishes get `create` spans under it. */
  readonly trace?: Context;
}

export function createUnitOfWork(init: UnitOfWorkInit): UnitOfWork {
  let log: Logger | undefined;
  let state: DocumentStore | undefined;
  const context = {
    correlationid: init.correlationid,
    causationid: init.causationid,
  };
  return {
    tx: init.tx,
    service: init.service,
    now: init.now,
    trace: init.trace,
    // Built on first use: many handlers (saga replies) never touch documents.
    get state(): DocumentStore {
      state ??= documentStore(init.tx, () => init.clock.now());
      return state;
    },
    publish: (message: OutgoingMessage, options?: PublishOptions) => {
      const trace = options?.trace ?? init.trace;
      return init.outbox.append(init.tx, message, {
        source: init.source,
        ...(context.correlationid === undefined ? {} : { correlationid: context.correlationid }),
        ...(context.causationid === undefined ? {} : { causationid: context.causationid }),
        ...(trace === undefined ? {} : { trace }),
      });
    },
    // Child loggers cost an allocation; most handlers never log, so bind lazily.
    get log(): Logger {
      log ??= init.logger.child({
        ...(context.correlationid === undefined ? {} : { correlationid: context.correlationid }),
        ...(context.causationid === undefined ? {} : { causationid: context.causationid }),
      });
      return log;
    },
  };
}
