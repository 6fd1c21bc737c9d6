// The runtime's public surface. User code (handlers, migrations, tests) and the generated project's
// fixed files import from here (src/generated/runtime/index.js in a project), never from the files
// behind it, which later versions may split or rename.
export * from './envelope.js';
export * from './transport.js';
export * from './clock.js';
export * from './backoff.js';
export * from './message.js';
export * from './ids.js';
export * from './context.js';
export * from './logger.js';
export * from './db/port.js';
export * from './db/migrate.js';
export { openSqlite, SqliteDb, sqliteDialect, type SqliteOptions } from './db/sqlite.js';
// postgres.ts loads `pg` only inside openPostgres(), so SQLite-only projects never load it.
export { openPostgres, PostgresDb, postgresDialect, toPositional, type PostgresOptions } from './db/postgres.js';
export * from './store/outbox.js';
export * from './store/inbox.js';
export * from './store/dead-letters.js';
export * from './store/documents.js';
export * from './relay.js';
export * from './consumer.js';
export * from './saga/definition.js';
export * from './saga/store.js';
export * from './saga/engine.js';
export * from './service.js';
export * from './faults.js';
export * from './keep-trying.js';
export * from './readiness.js';
export { sleep } from './sleep.js';
export { postgresTuningFromEnv, DbConfigError } from './db/from-env.js';
// from-env.ts imports a broker's transport module (and its client library) only when it is chosen.
export { transportFromEnv, transportConfigFromEnv, TransportConfigError, type TransportConfig, type TransportKind, type TransportFromEnvOptions } from './transports/from-env.js';
export { InProcessTransport, createInProcessTransport, type DeadLetter, type InProcessTransportOptions } from './transports/in-process.js';

export * from './observer.js';
export * from './shutdown.js';
export * from './observability/trace-context.js';
export { RuntimeTracing, TRACER_NAME, type TracingOptions } from './observability/tracing.js';
// metrics.ts and sdk.ts load prom-client and the OpenTelemetry SDK only when called.
export { createRuntimeMetrics, type RuntimeMetrics, type RuntimeMetricsOptions } from './observability/metrics.js';
export { startTracing, tracingRequested, TracingConfigError, type TracingHandle, type StartTracingOptions } from './observability/sdk.js';
export * as ops from './ops/index.js';
