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
  const port = Number(env['PORT'] ?? String(DEFAULT_PORT));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, got "${env['PORT']}"`);
  const poolSize = Number(env['PG_POOL_SIZE'] ?? '10');
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new ConfigError(`PG_POOL_SIZE must be a positive integer, got "${env['PG_POOL_SIZE']}"`);
  return {
    databaseUrl,
    dataDir: resolve(env['DATA_DIR']?.trim() || 'data'),
    schemaPrefix,
    topicPrefix: env['EDASAGA_TOPIC_PREFIX']?.trim() ?? '',
    port,
    host: env['HOST']?.trim() || '127.0.0.1',
    poolSize,
  };
}

/** PostgreSQL schema of a service: `<prefix><service>`, `-` turned into `_`. */
export function schemaName(config: AppConfig, service: string): string {
  return `${config.schemaPrefix}${service}`.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
}

export function sqliteFile(config: AppConfig, service: string): string {
  return join(config.dataDir, `${service}.db`);
}

export async function openServiceDb(config: AppConfig, service: string, env: Env = process.env): Promise<Db> {
  if (config.databaseUrl !== undefined) {
    return openPostgres({ schema: schemaName(config, service), connectionString: config.databaseUrl, pool: { max: config.poolSize }, ...postgresTuningFromEnv(env) });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return openSqlite(sqliteFile(config, service));
}

export async function openTransport(config: AppConfig, env: Env = process.env, logger?: Logger): Promise<Transport> {
  return withTopicPrefix(await transportFromEnv(env, logger === undefined ? {} : { logger }), config.topicPrefix);
}
