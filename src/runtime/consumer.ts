// A service's consumer: one subscription (consumer group = service name) over the topics of its
// handlers. Per delivery: decode, then in ONE transaction record the inbox row, run the handlers
// and write what they publish to the outbox. Failures are retried with exponential backoff and
// jitter (the transport holds back only that key); after `maxAttempts` the message is stored as a
// dead letter and the key moves on.
import { fromBinary, type EventEnvelope } from './envelope.js';
import type { Db } from './db/port.js';
import { ConcurrencyConflict } from './db/port.js';
import type { Delivery, DeliveryOutcome, Subscription, Transport } from './transport.js';
import { backoffDelay, DEFAULT_BACKOFF, type Backoff } from './backoff.js';
import { PermanentError, type HandlerContext, type MessageHandler, type UnitOfWork } from './context.js';
import type { Outbox } from './store/outbox.js';
import { isInboxConflict, recordInbox } from './store/inbox.js';
import { recordDeadLetter } from './store/dead-letters.js';
import { documentStore, type DocumentStore } from './store/documents.js';
import type { Logger } from './logger.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { OutgoingMessage } from './message.js';

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
  /** Deliveries before a message is dead-lettered. Default 5. */
  readonly maxAttempts?: number;
  readonly backoff?: Backoff;
  readonly random?: () => number;
}

export type HandleResult = 'handled' | 'duplicate';

export class Consumer {
  private readonly byType = new Map<string, MessageHandler<unknown>[]>();
  private readonly clock: Clock;
  private readonly maxAttempts: number;
  private readonly backoff: Backoff;
  private subscription: Subscription | undefined;

  constructor(private readonly options: ConsumerOptions) {
    for (const entry of options.handlers) {
      const list = this.byType.get(entry.type) ?? [];
      list.push(entry);
      this.byType.set(entry.type, list);
    }
    this.clock = options.clock ?? systemClock;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
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
    const { logger } = this.options;
    // A topic carries types this service does not read: pass them by their type header, without
    // decoding the envelope or parsing its body (a malformed one is not this service's to judge).
    const type = delivery.message.headers['ce_type'];
    if (type !== undefined && !this.byType.has(type)) return { kind: 'ack' };
    let envelope: EventEnvelope;
    try {
      envelope = fromBinary(delivery.message);
    } catch (error) {
      return this.deadLetter(delivery, 'unknown', delivery.message.headers['ce_id'] ?? 'unknown', error);
    }
    const handlers = this.byType.get(envelope.type);
    if (handlers === undefined) return { kind: 'ack' }; // no type header: known only once decoded
    try {
      const result = await this.process(envelope, handlers, delivery.attempt);
      if (result === 'duplicate') logger.debug({ id: envelope.id, type: envelope.type }, 'duplicate message ignored');
      return { kind: 'ack' };
    } catch (error) {
      const permanent = error instanceof PermanentError;
      if (permanent || delivery.attempt >= this.maxAttempts) {
        return this.deadLetter(delivery, envelope.type, envelope.id, error);
      }
      const delayMs = error instanceof ConcurrencyConflict ? Math.min(50, this.backoff.initialMs) : backoffDelay(this.backoff, delivery.attempt, this.options.random);
      logger.warn(
        { err: error, id: envelope.id, type: envelope.type, attempt: delivery.attempt, retryInMs: delayMs, correlationid: envelope.correlationid },
        'handler failed; will retry',
      );
      return { kind: 'retry', delayMs };
    }
  }

  /** Runs the handlers of one message in one transaction, unless the inbox has seen it. */
  async process(envelope: EventEnvelope, handlers: readonly MessageHandler<unknown>[], attempt = 1): Promise<HandleResult> {
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
        const ctx = this.context(envelope, tx, attempt, now);
        for (const [index, entry] of handlers.entries()) await entry.handler(decoded[index], ctx);
        return 'handled';
      });
    } catch (error) {
      // The inbox row written without asking found the message handled before: nothing was kept.
      if (later && isInboxConflict(error)) return 'duplicate';
      throw error;
    }
  }

  private context(envelope: EventEnvelope, tx: HandlerContext['tx'], attempt: number, now: number): HandlerContext {
    const base = createUnitOfWork({
      tx,
      service: this.options.service,
      source: this.options.source,
      outbox: this.options.outbox,
      logger: this.options.logger,
      now,
      clock: this.clock,
      correlationid: envelope.correlationid,
      causationid: envelope.id,
    });
    return Object.assign(base, { envelope, attempt }) as HandlerContext;
  }

  private async deadLetter(delivery: Delivery, type: string, messageId: string, error: unknown): Promise<DeliveryOutcome> {
    const reason = error instanceof Error ? error.message : String(error);
    const { logger, db, service } = this.options;
    logger.error({ err: error, id: messageId, type, attempts: delivery.attempt }, 'message dead-lettered');
    await db.transaction((tx) =>
      recordDeadLetter(tx, { consumer: service, messageId, type, message: delivery.message, error: reason, attempts: delivery.attempt, now: this.clock.now() }),
    );
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
    // Built on first use: many handlers (saga replies) never touch documents.
    get state(): DocumentStore {
      state ??= documentStore(init.tx, () => init.clock.now());
      return state;
    },
    publish: (message: OutgoingMessage) =>
      init.outbox.append(init.tx, message, {
        source: init.source,
        ...(context.correlationid === undefined ? {} : { correlationid: context.correlationid }),
        ...(context.causationid === undefined ? {} : { causationid: context.causationid }),
      }),
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
