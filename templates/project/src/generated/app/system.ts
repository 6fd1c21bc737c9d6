// Starts services: all of them in one process (npm start, the demo, the tests) or one per process
// (npm run start:<service>). Each service gets its own database (SQLite file or PostgreSQL schema),
// and they all talk through one transport: in-process within a process, Kafka or NATS between them.
import {
  Readiness,
  TracingConfigError,
  createLogger,
  createRuntimeMetrics,
  createServiceRuntime,
  describeFault,
  keepTrying,
  migrate,
  silentLogger,
  startTracing,
  type Clock,
  type Db,
  type Logger,
  type RuntimeMetrics,
  type ServiceRuntime,
  type ServiceRuntimeOptions,
  type Transport,
} from '../runtime/index.js';
import { SERVICE_NAMES, serviceParts, type HandlerOverrides, type ServiceName } from './services.js';
import { loadConfig, openServiceDb, openTransport, type AppConfig, type Env } from './config.js';
import { PROJECT_NAME } from './project.js';
import { startHttpApi, type HttpApi } from './http.js';
import { startOpsServer, type OpsServer } from './ops-http.js';
import { withFlowTracking } from './flow-tracker.js';

export interface StartOptions {
  /** Services to run in this process; default all. */
  readonly services?: readonly ServiceName[];
  readonly env?: Env;
  readonly config?: AppConfig;
  /** Default: from EDASAGA_TRANSPORT (in-process when unset). Not closed by stop() when given. */
  readonly transport?: Transport;
  readonly clock?: Clock;
  /** 'silent', or a logger per service; default pino to stdout at LOG_LEVEL. */
  readonly logger?: 'silent' | ((service: ServiceName) => Logger);
  /** Serve the HTTP API when its service runs here; default true, on config.port. */
  readonly http?: boolean | { readonly port?: number; readonly host?: string };
  readonly handlers?: HandlerOverrides;
  readonly sagaTimerIntervalMs?: number;
  readonly relay?: ServiceRuntimeOptions['relay'];
  readonly consumer?: ServiceRuntimeOptions['consumer'];
  /**
   * Keep trying the broker and the databases until they answer, instead of failing (the mains do:
   * a service started while its broker restarts must come up once it is back). The HTTP API then
   * listens at once and answers 503 (GET /health/ready too) until everything has started.
   * Default false: the first fault fails startSystem (tests).
   */
  readonly waitForInfrastructure?: boolean;
  /**
   * Prometheus metrics of this process's runtimes (GET /metrics): on unless EDASAGA_METRICS=off or
   * `false`. `processMetrics` adds prom-client's CPU, memory, GC and event-loop metrics (the mains
   * do; off by default, since each system would start its own collectors in a test process).
   */
  readonly metrics?: false | { readonly processMetrics?: boolean };
  /** A SERVER span per API request: the mains set it when they started the OpenTelemetry SDK. */
  readonly tracing?: boolean;
  /** Serve /health and /metrics on this port too (default OPS_PORT; undefined: not). */
  readonly opsPort?: number;
}

export interface RunningSystem {
  readonly config: AppConfig;
  readonly transport: Transport;
  readonly services: ReadonlyMap<ServiceName, ServiceRuntime>;
  readonly http: HttpApi | undefined;
  /** The server of /health and /metrics on OPS_PORT, when one was asked for. */
  readonly ops: OpsServer | undefined;
  /** Undefined when metrics are off. */
  readonly metrics: RuntimeMetrics | undefined;
  /** Whether this process can work now (its databases and broker answer): GET /health/ready. */
  readonly readiness: Readiness;
  service(name: ServiceName): ServiceRuntime;
  /** Resolves once no outbox of this process holds an undispatched message (for `quietMs` in a row). */
  idle(options?: { readonly timeoutMs?: number; readonly quietMs?: number }): Promise<void>;
  /**
   * Graceful stop: the servers stop taking requests, then every runtime stops taking messages, lets
   * its handlers finish and flushes its outbox, all within config.shutdownTimeoutMs (the runtimes
   * stop side by side, so the bound holds for the process, not per service); what did not finish is
   * taken up by the next start (each runtime logs its report).
   */
  stop(): Promise<void>;
}

function loggerFor(options: StartOptions, service: ServiceName | 'system'): Logger {
  if (options.logger === 'silent') return silentLogger();
  if (typeof options.logger === 'function') return options.logger(service === 'system' ? SERVICE_NAMES[0]! : service);
  return createLogger({ name: service });
}

export async function startSystem(options: StartOptions = {}): Promise<RunningSystem> {
  const env = options.env ?? process.env;
  const config = options.config ?? loadConfig(env);
  const names = options.services ?? SERVICE_NAMES;
  const logger = loggerFor(options, names.length === 1 ? names[0]! : 'system');
  const readiness = new Readiness(logger);
  const stopping = new AbortController();
  const waiting = options.waitForInfrastructure === true;
  /** One step of starting: waited for (with backoff, logged) when waiting, else tried once. */
  const step = async <T>(part: string, fn: () => Promise<T>): Promise<T> => {
    readiness.expect(part);
    const result = waiting ? await keepTrying(fn, { what: part, logger, signal: stopping.signal, onWaiting: (error) => readiness.set(part, describeFault(error)) }) : await fn();
    readiness.set(part, undefined);
    return result;
  };
  const ownTransport = options.transport === undefined;
  let transport: Transport | undefined = options.transport;
  const dbs = new Map<ServiceName, Db>();
  const runtimes = new Map<ServiceName, ServiceRuntime>();
  let http: HttpApi | undefined;
  let ops: OpsServer | undefined;
  const metrics = options.metrics === false || !config.metrics ? undefined : await createRuntimeMetrics({ processMetrics: options.metrics?.processMetrics === true });
  const where = typeof options.http === 'object' ? options.http : {};
  const opsPort = options.opsPort ?? config.opsPort;
  const listen = async (): Promise<void> => {
    if (opsPort !== undefined && ops === undefined) {
      ops = await startOpsServer({ services: names, runtimes, readiness, metrics }, { port: opsPort, host: where.host ?? config.host });
      logger.info({ url: ops.url }, 'ops endpoints (/health, /metrics) listening');
    }
    if (options.http === false || http !== undefined) return;
    http = await startHttpApi(names, runtimes, { port: where.port ?? config.port, host: where.host ?? config.host }, { readiness, metrics, tracing: options.tracing === true });
    if (http !== undefined) logger.info({ url: http.url }, 'HTTP API listening');
  };
  const stop = async (): Promise<void> => {
    stopping.abort();
    readiness.stop();
    await http?.close();
    const timeoutMs = config.shutdownTimeoutMs;
    await Promise.all([...runtimes.values()].map((runtime) => runtime.stop({ timeoutMs }).catch((error: unknown) => runtime.logger.error({ err: error }, 'stop failed'))));
    await ops?.close();
    if (ownTransport) await transport?.close();
    for (const db of dbs.values()) await db.close();
  };
  try {
    // Waiting, the API listens first, so that probes and clients hear "not ready" rather than nothing.
    if (waiting) await listen();
    transport ??= await step('the broker', () => openTransport(config, env, logger));
    for (const name of names) {
      const db = await step(`the database of ${name}`, () => openServiceDb(config, name, env));
      dbs.set(name, db);
      const parts = withFlowTracking(name, serviceParts(name, options.handlers));
      const runtime = createServiceRuntime({
        name,
        db,
        transport,
        handlers: parts.handlers,
        sagas: parts.sagas,
        migrations: parts.migrations,
        logger: loggerFor(options, name),
        ...(metrics === undefined ? {} : { observer: metrics }),
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.relay === undefined ? {} : { relay: options.relay }),
        ...(options.consumer === undefined ? {} : { consumer: options.consumer }),
        ...(options.sagaTimerIntervalMs === undefined ? {} : { sagaTimer: { intervalMs: options.sagaTimerIntervalMs } }),
      });
      // Migrations, the relay and the consumer's subscriptions; start() undoes itself when it fails.
      await step(`${name} (migrations, relay, consumer)`, () => runtime.start());
      runtimes.set(name, runtime);
    }
    await listen();
    readiness.watch({ dbs, transport });
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  const running = transport;
  return {
    config,
    transport: running,
    services: runtimes,
    http,
    ops,
    metrics,
    readiness,
    service(name) {
      const runtime = runtimes.get(name);
      if (runtime === undefined) throw new Error(`service ${name} does not run in this process`);
      return runtime;
    },
    async idle({ timeoutMs = 30_000, quietMs = 200 } = {}) {
      const deadline = Date.now() + timeoutMs;
      let quietSince: number | undefined;
      for (;;) {
        let pending = 0;
        for (const runtime of runtimes.values()) pending += await runtime.db.transaction((tx) => runtime.outbox.countPending(tx));
        const now = Date.now();
        if (pending > 0) quietSince = undefined;
        else if (quietSince === undefined) quietSince = now;
        else if (now - quietSince >= quietMs) return;
        if (now > deadline) throw new Error(`still ${pending} undispatched outbox message(s) after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    stop,
  };
}

/**
 * Runs every pending migration of the given services (default all); safe to re-run. With a
 * `waitWith` logger it waits for a database that does not answer yet (npm run migrate), as services do.
 */
export async function migrateAll(
  options: { readonly services?: readonly ServiceName[]; readonly env?: Env; readonly config?: AppConfig; readonly waitWith?: Logger } = {},
): Promise<Map<ServiceName, string[]>> {
  const config = options.config ?? loadConfig(options.env ?? process.env);
  const applied = new Map<ServiceName, string[]>();
  for (const name of options.services ?? SERVICE_NAMES) {
    const once = async (): Promise<string[]> => {
      const db = await openServiceDb(config, name, options.env ?? process.env);
      try {
        return await migrate(db, withFlowTracking(name, serviceParts(name)).migrations);
      } finally {
        await db.close();
      }
    };
    applied.set(name, options.waitWith === undefined ? await once() : await keepTrying(once, { what: `the database of ${name}`, logger: options.waitWith }));
  }
  return applied;
}

/**
 * startSystem for mains: starts the OpenTelemetry SDK first when OTEL_EXPORTER_OTLP_ENDPOINT asks
 * for it (its provider must be registered before the runtimes make their tracers; it is shut down,
 * exporting what is buffered, after the runtimes stopped), then waits for the broker and the
 * databases for as long as they take (logging what it waits for); a configuration problem or a
 * port in use is explained in one line (exit 2 or 1) instead of a stack trace.
 */
export async function startOrExplain(options: StartOptions, logger: Logger): Promise<RunningSystem> {
  try {
    const names = options.services ?? SERVICE_NAMES;
    // No context manager: the runtime passes trace contexts itself, and on Node 20 the SDK's
    // AsyncLocalStorage one would hook every promise of the process (docs/benchmarks.md).
    const tracing = await startTracing(options.env ?? process.env, { serviceName: names.length === 1 ? names[0]! : PROJECT_NAME, contextManager: false });
    if (tracing !== undefined) logger.info({ protocol: tracing.protocol }, 'tracing: exporting spans over OTLP');
    const system = await startSystem({ waitForInfrastructure: true, metrics: { processMetrics: true }, tracing: tracing !== undefined, ...options });
    if (tracing === undefined) return system;
    return {
      ...system,
      async stop() {
        await system.stop();
        await tracing.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'tracing: the last spans could not be exported'));
      },
    };
  } catch (error) {
    const { name, message, code } = error as { name?: string; message?: string; code?: string };
    if (name === 'ConfigError' || name === 'TransportConfigError' || name === 'DbConfigError' || error instanceof TracingConfigError) {
      logger.fatal(message ?? String(error));
      process.exit(2);
    }
    if (code === 'EADDRINUSE') {
      logger.fatal(`${message ?? 'address in use'}: another process listens there (set PORT or OPS_PORT)`);
      process.exit(1);
    }
    logger.fatal({ err: error }, 'the system could not start');
    process.exit(1);
  }
}

/** Stops the system on SIGINT/SIGTERM, once. */
export function stopOnSignals(system: RunningSystem, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, timeoutMs: system.config.shutdownTimeoutMs }, 'stopping');
    // The runtimes keep to their bound; this is for what has none (a server that will not close,
    // an exporter that hangs): the process leaves a few seconds after the bound whatever happens.
    setTimeout(() => {
      logger.error(`still stopping ${system.config.shutdownTimeoutMs + 5000} ms after ${signal}: exiting`);
      process.exit(1);
    }, system.config.shutdownTimeoutMs + 5000).unref();
    system.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}
