// Prometheus metrics of the runtimes of one process (docs/runtime.md, "Metrics"), with prom-client
// on a registry of their own (never prom-client's global one, so several runtimes, tests or
// systems in one process stay apart). It is a RuntimeObserver: pass it as `observer` to every
// createServiceRuntime of the process, serve `metricsText()` at GET /metrics. Counters and
// histograms move as the runtimes work; the gauges of what is stored (outbox, dead letters, sagas)
// are read from each service's database when scraped, so they are right across restarts and
// processes. prom-client is imported when the metrics are created: a runtime nobody observes never
// loads it.
import type { Registry } from 'prom-client';
import type { HandledOutcome, ObservedService, RuntimeObserver } from '../observer.js';
import { countSagasByState } from '../saga/store.js';
import { countDeadLetters } from '../store/dead-letters.js';

export interface RuntimeMetrics extends RuntimeObserver {
  /** The registry every metric is registered in (add your own metrics to it if you like). */
  readonly registry: Registry;
  /** The Content-Type of `metricsText()` (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /** The exposition text for GET /metrics (reads the gauges from the databases first). */
  metricsText(): Promise<string>;
}

export interface RuntimeMetricsOptions {
  /** Also the process metrics of prom-client (CPU, memory, event-loop lag, GC). Default true. */
  readonly processMetrics?: boolean;
  /** Labels on every metric, e.g. `{ instance: 'order-1' }`. */
  readonly defaultLabels?: Readonly<Record<string, string>>;
}

/** Handler and transaction latency: 1 ms to 10 s. */
const HANDLER_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A saga from start to its end: 10 ms to 1 h (timeouts and compensations take minutes). */
const SAGA_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** What one service's database said at a scrape. */
interface Snapshot {
  readonly pending: number;
  readonly oldestAt: number | undefined;
  readonly deadLetters: number;
  readonly sagas: ReadonlyMap<string, Record<string, number>>;
}

export async function createRuntimeMetrics(options: RuntimeMetricsOptions = {}): Promise<RuntimeMetrics> {
  const prom = await import('prom-client');
  const registry = new prom.Registry();
  if (options.defaultLabels !== undefined) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics !== false) prom.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const services = new Map<string, ObservedService>();

  // One read per service and scrape, shared by the gauges below: prom-client calls every metric's
  // collect() in the same tick, so they all find the promise the first one started.
  let reading: Promise<Map<string, Snapshot | undefined>> | undefined;
  const snapshot = (): Promise<Map<string, Snapshot | undefined>> => {
    reading ??= readAll([...services.values()]).finally(() => {
      reading = undefined;
    });
    return reading;
  };

  new prom.Gauge({
    name: 'edasaga_database_up',
    help: '1 when the service database answered the last scrape, 0 when it did not (the gauges of that service are then absent)',
    labelNames: ['service'],
    registers,
    async collect() {
      for (const [service, shot] of await snapshot()) this.set({ service }, shot === undefined ? 0 : 1);
    },
  });
  const perService = (name: string, help: string, value: (shot: Snapshot, now: number) => number): void => {
    new prom.Gauge({
      name,
      help,
      labelNames: ['service'],
      registers,
      async collect() {
        const now = Date.now();
        for (const [service, shot] of await snapshot()) {
          if (shot === undefined) this.remove({ service });
          else this.set({ service }, value(shot, now));
        }
      },
    });
  };
  perService('edasaga_outbox_pending', 'Outbox rows not yet published by the relay', (shot) => shot.pending);
  perService('edasaga_outbox_oldest_pending_seconds', 'Age of the oldest outbox row not yet published (0 when none waits)', (shot, now) =>
    shot.oldestAt === undefined ? 0 : Math.max(0, (now - shot.oldestAt) / 1000),
  );
  perService('edasaga_dead_letters', 'Messages in the dead-letter store of the service (waiting for a replay or a purge)', (shot) => shot.deadLetters);
  new prom.Gauge({
    name: 'edasaga_sagas',
    help: 'Sagas per type and state, as stored by the orchestrator (every state of the machine, 0 where none is)',
    labelNames: ['saga', 'state'],
    registers,
    async collect() {
      const shots = await snapshot();
      for (const service of services.values()) {
        const shot = shots.get(service.name);
        for (const saga of service.sagas) {
          const counts = shot?.sagas.get(saga.name);
          for (const state of saga.states) {
            if (counts === undefined) this.remove({ saga: saga.name, state });
            else this.set({ saga: saga.name, state }, counts[state] ?? 0);
          }
        }
      }
    },
  });

  const published = new prom.Counter({ name: 'edasaga_relay_published_total', help: 'Messages the outbox relay published', labelNames: ['service'], registers });
  const relayErrors = new prom.Counter({ name: 'edasaga_relay_errors_total', help: 'Relay passes that failed (transport or database); the relay retries with backoff', labelNames: ['service'], registers });
  const handled = new prom.Counter({
    name: 'edasaga_messages_handled_total',
    help: 'Messages a consumer decided, by outcome: ok, duplicate (the inbox had it), retry (the handler failed), transient (an infrastructure fault, retried without counting), dead_letter',
    labelNames: ['service', 'type', 'outcome'],
    registers,
  });
  const histogram = (name: string, help: string, labelNames: string[], buckets: number[]) => new prom.Histogram({ name, help, labelNames, buckets, registers });
  const handlerSeconds = histogram('edasaga_handler_duration_seconds', 'From taking a message to its decision: decode, the transaction with the handlers, its commit', ['service', 'type'], HANDLER_BUCKETS);
  const sagaSeconds = histogram('edasaga_saga_duration_seconds', 'Sagas from start to their terminal state, by outcome (completed, compensated, failed)', ['saga', 'outcome'], SAGA_BUCKETS);

  return {
    registry,
    contentType: registry.contentType,
    metricsText: () => registry.metrics(),
    attach(service) {
      services.set(service.name, service);
      return () => {
        if (services.get(service.name) === service) services.delete(service.name);
      };
    },
    relayPublished(service, messages) {
      published.inc({ service }, messages);
    },
    relayFailed(service) {
      relayErrors.inc({ service });
    },
    messageHandled(service: string, type: string, outcome: HandledOutcome, seconds: number) {
      handled.inc({ service, type, outcome });
      handlerSeconds.observe({ service, type }, seconds);
    },
    sagaFinished(saga, outcome, seconds) {
      sagaSeconds.observe({ saga, outcome }, seconds);
    },
  };
}

/** Reads every service's gauges; a service whose database fails maps to undefined. */
async function readAll(services: readonly ObservedService[]): Promise<Map<string, Snapshot | undefined>> {
  const shots = await Promise.all(
    services.map((service) =>
      service.db
        .transaction(async (tx) => {
          const sagas = new Map<string, Record<string, number>>();
          for (const saga of service.sagas) sagas.set(saga.name, await countSagasByState(tx, saga.name));
          return {
            pending: await service.outbox.countPending(tx),
            oldestAt: await service.outbox.oldestPendingAt(tx),
            deadLetters: await countDeadLetters(tx),
            sagas,
          };
        })
        .catch(() => undefined),
    ),
  );
  return new Map(services.map((service, index) => [service.name, shots[index]]));
}
