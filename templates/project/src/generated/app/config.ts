// Configuration from the environment (documented in README.md). Unset DATABASE_URL means the
// embedded default: one SQLite file per service under DATA_DIR.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
// (The runtime loads `pg`, kafkajs and nats only when they are used, so importing it costs nothing.)
import { openPostgres, openSqlite, postgresTuningFromEnv, transportFromEnv, type Db, type Logger, type Transport } from '../runtime/index.js';
import { DEFAULT_PORT } from './project.js';
import { withTopicPrefix } from './topic-prefix.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface AppConfig {
  /** `postgres://…`, or undefined for SQLite. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly schemaPrefix: string;
  readonly topicPrefix: string;
  readonly port: number;
  readonly host: string;
  /** Connections per service pool (PostgreSQL). */
  readonly poolSize: number;
  /** OPS_PORT: where a process serves /health and /metrics besides (or without) the HTTP API. */
  readonly opsPort: number | undefined;
  /** Prometheus metrics, on unless EDASAGA_METRICS=off. */
  readonly metrics: boolean;
  /** EDASAGA_SHUTDOWN_TIMEOUT_MS: the bound of a graceful stop (SIGTERM), default 10 s. */
  readonly shutdownTimeoutMs: number;
}

/** A port number from the environment, or undefined when unset. */
function portFrom(env: Env, name: string): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`${name} must be a port number, got "${text}"`);
  return port;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Env = process.env): AppConfig {
  const databaseUrl = env['DATABASE_URL']?.trim() || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must be a postgres:// URL (unset it to use SQLite), got "${databaseUrl}"`);
  }
  const schemaPrefix = env['EDASAGA_SCHEMA_PREFIX']?.trim() ?? '';
  if (!/^[A-Za-z0-9_]*$/.test(schemaPrefix)) throw new ConfigError('EDASAGA_SCHEMA_PREFIX may hold letters, digits and _ only');
  const port = portFrom(env, 'PORT') ?? DEFAULT_PORT;
  const poolSize = Number(env['PG_POOL_SIZE'] ?? '10');
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new ConfigError(`PG_POOL_SIZE must be a positive integer, got "${env['PG_POOL_SIZE']}"`);
  const metricsText = (env['EDASAGA_METRICS'] ?? 'on').trim().toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0', ''].includes(metricsText)) throw new ConfigError(`EDASAGA_METRICS must be on or off, got "${env['EDASAGA_METRICS']}"`);
  const shutdownTimeoutMs = Number(env['EDASAGA_SHUTDOWN_TIMEOUT_MS'] ?? '10000');
  if (!Number.isInteger(shutdownTimeoutMs) || shutdownTimeoutMs < 0) {
    throw new ConfigError(`EDASAGA_SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds, got "${env['EDASAGA_SHUTDOWN_TIMEOUT_MS']}"`);
  }
  return {
    databaseUrl,
    dataDir: resolve(env['DATA_DIR']?.trim() || 'data'),
    schemaPrefix,
    topicPrefix: env['EDASAGA_TOPIC_PREFIX']?.trim() ?? '',
    port,
    host: env['HOST']?.trim() || '127.0.0.1',
    poolSize,
    opsPort: portFrom(env, 'OPS_PORT'),
    metrics: !['off', 'false', '0'].includes(metricsText),
    shutdownTimeoutMs,
  };
}

/** PostgreSQL schema of a service: `<prefix><service>`, `-` turned into `_`. */
export function schemaName(config: AppConfig, service: string): string {
  return `${config.schemaPrefix}${service}`.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
}

export function sqliteFile(config: AppConfig, service: string): string {
  return join(config.dataDir, `${service}.db`);
}

/**
 * A service's database. `existing`: for tools that read (npm run ops), which must not create what
 * they look at: the SQLite file and the PostgreSQL schema must be there already.
 */
export async function openServiceDb(config: AppConfig, service: string, env: Env = process.env, options: { readonly existing?: boolean } = {}): Promise<Db> {
  const existing = options.existing === true;
  if (config.databaseUrl !== undefined) {
    return openPostgres({
      schema: schemaName(config, service),
      connectionString: config.databaseUrl,
      pool: { max: existing ? 2 : config.poolSize },
      ...postgresTuningFromEnv(env),
      ...(existing ? { createSchema: false } : {}),
    });
  }
  if (existing) return openSqlite({ file: sqliteFile(config, service), mustExist: true });
  mkdirSync(config.dataDir, { recursive: true });
  return openSqlite(sqliteFile(config, service));
}

export async function openTransport(config: AppConfig, env: Env = process.env, logger?: Logger): Promise<Transport> {
  return withTopicPrefix(await transportFromEnv(env, logger === undefined ? {} : { logger }), config.topicPrefix);
}
