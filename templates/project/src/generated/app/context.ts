// What a service's handlers get: the generated HandlerContext (publish an envelope, log) plus the
// runtime's unit of work (the open transaction, the document store, a logger carrying the
// correlation and causation ids) and `send`, which validates a payload and writes it to the outbox.
// Everything a handler publishes commits together with its effects and its inbox row.
import {
  isTransactional,
  transactional,
  type DocumentStore,
  type EventEnvelope,
  type HandlerContext as RuntimeContext,
  type Logger,
  type MessageHandler,
  type Tx,
} from '../runtime/index.js';
import type { HandlerContext } from '../support.js';
import { messages } from '../registry.js';

/** A generated message companion, as far as sending it goes. */
export interface Sendable<T> {
  readonly type: string;
  readonly topic: string;
  readonly key: string;
  readonly version: number;
  create(data: T): T;
}

export interface AppContext extends HandlerContext {
  /** The transaction the message is handled in: write your own tables through it. */
  readonly tx: Tx;
  /** JSON documents by collection and id, in the same transaction (portable SQLite/PostgreSQL). */
  readonly state: DocumentStore;
  /** pino logger bound to the message's correlationid and causationid. */
  readonly logger: Logger;
  /** The message being handled. */
  readonly envelope: EventEnvelope;
  /** 1 on first delivery. */
  readonly attempt: number;
  /** Clock time of this unit of work (epoch ms). */
  readonly now: number;
  readonly service: string;
  /** Validates `data` against the catalog and publishes it (outbox), caused by the message being handled. */
  send<T>(message: Sendable<T>, data: T): Promise<void>;
}

const topicOfType: ReadonlyMap<string, string> = new Map(Object.values(messages).map((m) => [m.type, m.topic]));

/** Wraps the runtime's context; `flush` writes what `publish` queued (it is synchronous by contract). */
export function appContext(ctx: RuntimeContext): AppContext & { flush(): Promise<void> } {
  const queued: EventEnvelope[] = [];
  return {
    tx: ctx.tx,
    state: ctx.state,
    get logger() {
      return ctx.log;
    },
    envelope: ctx.envelope,
    attempt: ctx.attempt,
    now: ctx.now,
    service: ctx.service,
    log(message: string, fields?: Readonly<Record<string, unknown>>) {
      ctx.log.info(fields ?? {}, message);
    },
    publish(envelope: EventEnvelope) {
      queued.push(envelope);
    },
    async send<T>(message: Sendable<T>, data: T) {
      const valid = message.create(data);
      const key = (valid as Record<string, unknown>)[message.key];
      await ctx.publish({ type: message.type, topic: message.topic, key: String(key ?? ''), dataversion: message.version, data: valid });
    },
    async flush() {
      for (const envelope of queued.splice(0)) {
        const topic = topicOfType.get(envelope.type);
        if (topic === undefined) throw new Error(`cannot publish ${envelope.type}: not a message of the catalog`);
        await ctx.publish({
          type: envelope.type,
          topic,
          key: envelope.subject,
          dataversion: envelope.dataversion,
          data: envelope.data,
          id: envelope.id,
          // An envelope made without options correlates to itself; keep the handled message's id then.
          ...(envelope.correlationid === envelope.id ? {} : { correlationid: envelope.correlationid }),
        });
      }
    },
  };
}

/** A user handler as the consumer calls it. */
export type AppHandler<M> = (message: M, ctx: AppContext) => Promise<void>;

/**
 * Binds a user handler to its message: decoded (validated, upcast) before it runs. A handler marked
 * with `transactional` (from src/generated/runtime/index.js) lets its inbox row travel with its first statement.
 */
export function bindHandler<M>(message: { readonly type: string; readonly topic: string; decode(envelope: EventEnvelope): M }, handle: AppHandler<M>): MessageHandler<unknown> {
  const entry: MessageHandler<M> = {
    type: message.type,
    topic: message.topic,
    decode: (envelope) => message.decode(envelope),
    handler: async (decoded, ctx) => {
      const app = appContext(ctx);
      await handle(decoded, app);
      await app.flush();
    },
    transactional: isTransactional(handle),
  };
  return entry as unknown as MessageHandler<unknown>;
}

/** A method of a service's handlers object, called on that object, keeping its `transactional` mark. */
export function methodOf<H extends Record<K, (message: never, ctx: AppContext) => Promise<void>>, K extends keyof H & string>(handlers: H, name: K): H[K] {
  const method = handlers[name];
  const bound = ((message: never, ctx: AppContext) => method.call(handlers, message, ctx)) as H[K];
  return isTransactional(method) ? transactional(bound) : bound;
}
