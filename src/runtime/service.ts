// Wiring of one service: migrations, the outbox relay, the consumer (user handlers and saga
// handlers in one consumer group), and the saga timers. Generated per-service mains and the
// all-in-one main call createServiceRuntime(...).start().
import type { Db } from './db/port.js';
import { migrate, type Migration } from './db/migrate.js';
import type { Transport } from './transport.js';
import type { MessageHandler, UnitOfWork } from './context.js';
import { Consumer, createUnitOfWork } from './consumer.js';
import { Outbox } from './store/outbox.js';
import { OutboxRelay, type RelayOptions } from './relay.js';
import { listDeadLetters, takeDeadLetter, type DeadLetterRow } from './store/dead-letters.js';
import { SagaEngine } from './saga/engine.js';
import type { SagaDefinition } from './saga/definition.js';
import { createLogger, type Logger } from './logger.js';
import { systemClock, type Clock } from './clock.js';
import type { Backoff } from './backoff.js';
import type { Context } from '@opentelemetry/api';
import type { RuntimeObserver } from './observer.js';
import { RuntimeTracing, activeContext, endSpan, type TracingOptions } from './observability/tracing.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, shutDown, type ShutdownReport } from './shutdown.js';

export interface ServiceRuntimeOptions {
  /** Service name: consumer group, inbox consumer id, log `service`. */
  readonly name: string;
  readonly db: Db;
  readonly transport: Transport;
  readonly handlers?: readonly MessageHandler<unknown>[];
  // `any`: a runtime hosts sagas with different data types side by side.
  readonly sagas?: readonly SagaDefinition<any>[];
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** CloudEvents source of what the service publishes. Default `/<name>`. */
  readonly source?: string;
  /** Extra migrations for the service's own tables (run after the runtime's). */
  readonly migrations?: readonly Migration[];
  readonly consumer?: { readonly maxAttempts?: number; readonly backoff?: Backoff };
  readonly relay?: Partial<Omit<RelayOptions, 'db' | 'outbox' | 'transport' | 'logger' | 'clock'>>;
  readonly sagaTimer?: { readonly intervalMs?: number; readonly batchSize?: number; readonly enabled?: boolean };
  /** How sagas start: from their starting event (default) or `direct`ly (see SagaEngineOptions.start). */
  readonly sagaStart?: 'event' | 'direct';
  /**
   * Told what the runtime does (observability/metrics.ts: Prometheus). Without one the runtime
   * measures nothing for anybody.
   */
  readonly observer?: RuntimeObserver;
  /**
   * Spans through @opentelemetry/api (docs/runtime.md, "Tracing"): the globally registered
   * provider by default, which is the API's no-op one unless an SDK was started
   * (observability/sdk.ts); `false` turns the runtime's spans off altogether.
   */
  readonly tracing?: Omit<TracingOptions, 'system'> | false;
}

export interface ServiceRuntime {
  readonly name: string;
  readonly db: Db;
  readonly outbox: Outbox;
  readonly relay: OutboxRelay;
  readonly consumer: Consumer;
  readonly logger: Logger;
  /** Saga engines by saga name. */
  readonly sagas: ReadonlyMap<string, SagaEngine<unknown>>;
  /** Migrates, then starts the relay, the consumer and the saga timers. */
  start(): Promise<void>;
  /**
   * Graceful shutdown within `timeoutMs` (default 10 s): stops taking messages and waits for those
   * in flight, stops the saga timers, publishes what is left in the outbox, stops the relay; says
   * what it did (shutdown.ts). Does not close the db.
   */
  stop(options?: { readonly timeoutMs?: number }): Promise<ShutdownReport | undefined>;
  /**
   * Runs `fn` in a transaction with state and an outbox-backed publish: for work that does not
   * start from a message (an HTTP request placing an order). `correlationid` defaults to each
   * published message's own id.
   */
  transaction<T>(fn: (uow: UnitOfWork) => Promise<T>, options?: { readonly correlationid?: string; /** Default: the caller's active OpenTelemetry context. */ readonly trace?: Context }): Promise<T>;
  saga<D>(name: string): SagaEngine<D>;
  /** Messages this service's consumer gave up on, oldest first. */
  deadLetters(limit?: number): Promise<DeadLetterRow[]>;
  /**
   * Publishes a dead letter again with its original id (through the outbox) and removes it:
   * after the cause is fixed. Consumers that had handled it recognise it; this one handles it.
   * Returns false when there is no dead letter with that seq.
   */
  replayDeadLetter(seq: number): Promise<boolean>;
}

export function createServiceRuntime(options: ServiceRuntimeOptions): ServiceRuntime {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ name: options.name });
  const source = options.source ?? `/${options.name}`;
  const observer = options.observer;
  const tracing =
    options.tracing === false
      ? undefined
      : new RuntimeTracing({ ...options.tracing, system: options.transport.name });
  const observed = { ...(observer === undefined ? {} : { observer }), ...(tracing === undefined ? {} : { tracing }) };
  const outbox = new Outbox(options.db, () => clock.now(), tracing);
  const relay = new OutboxRelay({ ...options.relay, db: options.db, outbox, transport: options.transport, logger, clock, service: options.name, ...observed });
  const sagas = new Map<string, SagaEngine<unknown>>();
  for (const definition of options.sagas ?? []) {
    sagas.set(
      definition.name,
      new SagaEngine<unknown>({
        definition,
        db: options.db,
        outbox,
        service: options.name,
        source,
        logger: logger.child({ saga: definition.name }),
        clock,
        ...(options.sagaTimer?.intervalMs === undefined ? {} : { timerIntervalMs: options.sagaTimer.intervalMs }),
        ...(options.sagaTimer?.batchSize === undefined ? {} : { timerBatchSize: options.sagaTimer.batchSize }),
        ...(options.sagaStart === undefined ? {} : { start: options.sagaStart }),
        ...(options.transport.backlog === undefined ? {} : { backlog: (group: string, topic: string) => options.transport.backlog!(group, topic) }),
        ...observed,
      }),
    );
  }
  const handlers = [...(options.handlers ?? []), ...[...sagas.values()].flatMap((engine) => engine.handlers())];
  const consumer = new Consumer({
    service: options.name,
    source,
    db: options.db,
    transport: options.transport,
    outbox,
    handlers,
    logger,
    clock,
    ...(options.consumer?.maxAttempts === undefined ? {} : { maxAttempts: options.consumer.maxAttempts }),
    ...(options.consumer?.backoff === undefined ? {} : { backoff: options.consumer.backoff }),
    ...observed,
  });
  let started = false;
  let detach: (() => void) | undefined;

  return {
    name: options.name,
    db: options.db,
    outbox,
    relay,
    consumer,
    logger,
    sagas,
    async start() {
      if (started) return;
      started = true;
      try {
        await migrate(options.db, options.migrations ?? []);
        await relay.start();
        await consumer.start();
      } catch (error) {
        // Leave nothing running half-way, so start() can be called again.
        started = false;
        await consumer.stop().catch(() => undefined);
        await relay.stop().catch(() => undefined);
        throw error;
      }
      if (options.sagaTimer?.enabled !== false) for (const engine of sagas.values()) engine.startTimer();
      detach = observer?.attach?.({ name: options.name, db: options.db, outbox, sagas: [...sagas.values()].map((engine) => ({ name: engine.name, states: engine.states })) });
      logger.info({ topics: consumer.topics, sagas: [...sagas.keys()], db: options.db.location, transport: options.transport.name }, 'service started');
    },
    async stop(stopOptions = {}) {
      if (!started) return undefined;
      started = false;
      detach?.();
      detach = undefined;
      const report = await shutDown({ service: options.name, db: options.db, outbox, consumer, relay, sagas: sagas.values() }, stopOptions.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
      if (report.complete) logger.info({ shutdown: report }, 'service stopped');
      else logger.warn({ shutdown: report }, `service stopped after ${report.durationMs} ms, not everything finished (in flight left: ${report.inFlightLeft}, outbox rows left: ${report.outboxPending ?? 'unknown'}); they are taken up by the next start`);
      return report;
    },
    async transaction(fn, txOptions = {}) {
      // Captured before the transaction: a grouped commit may run this callback in another's async context.
      const traced = tracing?.startTransaction(txOptions.trace ?? activeContext(), options.name);
      const trace = traced?.context ?? txOptions.trace;
      try {
        const result = await options.db.transaction((tx) =>
          fn(
            createUnitOfWork({
              tx,
              service: options.name,
              source,
              outbox,
              logger,
              now: clock.now(),
              clock,
              ...(txOptions.correlationid === undefined ? {} : { correlationid: txOptions.correlationid }),
              ...(trace === undefined ? {} : { trace }),
            }),
          ),
        );
        if (traced !== undefined) endSpan(traced.span);
        return result;
      } catch (error) {
        if (traced !== undefined) endSpan(traced.span, error);
        throw error;
      }
    },
    deadLetters(limit = 100) {
      return options.db.transaction((tx) => listDeadLetters(tx, limit));
    },
    replayDeadLetter(seq) {
      return options.db.transaction(async (tx) => {
        const dead = await takeDeadLetter(tx, seq);
        if (dead === undefined) return false;
        await outbox.appendReplay(tx, dead.message, clock.now());
        return true;
      });
    },
    saga<D>(name: string): SagaEngine<D> {
      const engine = sagas.get(name);
      if (engine === undefined) throw new Error(`service ${options.name} runs no saga named ${name}`);
      return engine as unknown as SagaEngine<D>;
    },
  };
}
