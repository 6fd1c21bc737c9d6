// What a handler gets: the message, the open transaction, portable state, an outbox-backed
// `publish` and a logger bound to the business transaction.
import type { EventEnvelope } from './envelope.js';
import type { Tx } from './db/port.js';
import type { DocumentStore } from './store/documents.js';
import type { OutgoingMessage } from './message.js';
import type { Logger } from './logger.js';
import type { Context } from '@opentelemetry/api';

export interface PublishOptions {
  /** Parent of the message's `create` span, instead of the unit of work's own trace context. */
  readonly trace?: Context;
}

export interface UnitOfWork {
  readonly tx: Tx;
  readonly state: DocumentStore;
  /** Writes the message to the outbox in this transaction; returns its id. */
  publish(message: OutgoingMessage, options?: PublishOptions): Promise<string>;
  /**
   * The OpenTelemetry context this unit of work runs in (the `process` span of the message being
   * handled, or the caller's context for `runtime.transaction`); undefined when it has none.
   */
  readonly trace: Context | undefined;
  readonly log: Logger;
  readonly service: string;
  /** Clock time when the unit of work started (epoch ms). */
  readonly now: number;
}

export interface HandlerContext extends UnitOfWork {
  /** The incoming message. Published messages inherit its correlation id and name it as their cause. */
  readonly envelope: EventEnvelope;
  /** 1 on first delivery. */
  readonly attempt: number;
}

export interface MessageHandler<T = unknown> {
  /** CloudEvents type handled, e.g. `com.example.orders.ProcessPayment`. */
  readonly type: string;
  /** Topic the type travels on (the consumer subscribes to it). */
  readonly topic: string;
  /**
   * Turns the envelope into the typed message (generated code: validation and upcasting between
   * versions). Throw to reject the message: it goes to the dead-letter store without retries.
   * Default: the envelope's `data`.
   */
  readonly decode?: (envelope: EventEnvelope) => T;
  readonly handler: (message: T, ctx: HandlerContext) => Promise<void>;
  /**
   * True when everything the handler does goes through its transaction (statements, publishes),
   * with nothing done outside before its first statement. Where every handler of a message says so,
   * the consumer does not wait for the inbox row before running them: the row travels with the first
   * statement (PostgreSQL: one round trip less per message), and a duplicate is recognised when that
   * statement fails on the inbox's key. The saga engine's handlers are such handlers.
   */
  readonly transactional?: boolean;
}

/** Thrown by a handler (or decode) when retrying cannot help: the message is dead-lettered at once. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}

/** Lets a handler list mix message types while keeping each entry's own type checked. */
export function handler<T>(definition: MessageHandler<T>): MessageHandler<unknown> {
  return definition as unknown as MessageHandler<unknown>;
}

const TRANSACTIONAL = Symbol.for('edasaga.transactional');

/**
 * Marks a handler function as doing everything through its transaction (its statements and the
 * messages it sends), nothing outside it: no HTTP calls, no files, no other databases. The consumer
 * then sends the inbox row with the handler's first statement instead of before it (PostgreSQL: one
 * round trip less per message); a redelivered message is recognised when that statement fails (or,
 * if all its writes are held back with `executeLater`, when the commit does), and the handler's work
 * is rolled back: the handler may run that far, so log through `tx.afterCommit`. Leave a handler
 * unmarked when it talks to anything else: a duplicate must not reach that code. Returns the
 * function itself.
 */
export function transactional<F extends (...args: never[]) => Promise<void>>(fn: F): F {
  Object.defineProperty(fn, TRANSACTIONAL, { value: true });
  return fn;
}

/** Whether `transactional` marked this function. */
export function isTransactional(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[TRANSACTIONAL] === true;
}
