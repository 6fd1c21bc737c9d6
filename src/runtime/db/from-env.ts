// PostgreSQL settings a deployment tunes from the environment (the adapter itself reads none):
//   EDASAGA_PG_GROUP_COMMIT       most transactions per COMMIT (group commit), default 64; 1 turns it off
//   EDASAGA_PG_GROUP_CONNECTIONS  connections running commit groups at once, default 1 (at most the pool size - 2)
import type { PostgresOptions } from './postgres.js';

type Env = Readonly<Record<string, string | undefined>>;

export class DbConfigError extends Error {
  override readonly name = 'DbConfigError';
}

export function postgresTuningFromEnv(env: Env = process.env): Pick<PostgresOptions, 'maxGroupCommit' | 'groupConnections'> {
  const read = (name: string): number | undefined => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new DbConfigError(`${name}: expected a positive integer, got "${raw}"`);
    return value;
  };
  const maxGroupCommit = read('EDASAGA_PG_GROUP_COMMIT');
  const groupConnections = read('EDASAGA_PG_GROUP_CONNECTIONS');
  return {
    ...(maxGroupCommit === undefined ? {} : { maxGroupCommit }),
    ...(groupConnections === undefined ? {} : { groupConnections }),
  };
}
