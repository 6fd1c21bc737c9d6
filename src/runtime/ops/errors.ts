// The ops core's errors: each is one line a CLI prints as it is (exit 2), with a code to branch on.
// Every ops function runs its changes in one transaction and checks what it was asked about before
// it changes anything, so a command that fails has changed nothing.
import type { Db, Tx } from '../db/port.js';
import { transientKind } from '../faults.js';
import { describeFault } from '../keep-trying.js';

export type OpsErrorCode =
  | 'unknown-service'
  | 'unknown-saga'
  | 'ambiguous-saga'
  | 'unknown-dead-letter'
  | 'not-compensating'
  | 'bad-argument'
  | 'database-unreachable'
  | 'not-a-service-database'
  | 'failed';

export class OpsError extends Error {
  override readonly name = 'OpsError';
  /** What a CLI exits with: 2, bad input or an unreachable database (findings are not errors). */
  readonly exitCode = 2;

  constructor(
    readonly code: OpsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** `error` as an OpsError naming `where` (the service): the database's faults get their own codes. */
export function toOpsError(error: unknown, where: string): OpsError {
  if (error instanceof OpsError) return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  if (code === '42P01' || code === '3F000' || /no such table/i.test(text)) {
    return new OpsError('not-a-service-database', `${where}: the database has no edasaga tables (a service database not migrated yet, or not a service database): ${text}`);
  }
  if (code === '3D000' || code === '28P01' || code === '28000' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_NOTADB' || transientKind(error) === 'connection') {
    return new OpsError('database-unreachable', `${where}: the database cannot be reached: ${describeFault(error)}`);
  }
  return new OpsError('failed', `${where}: ${describeFault(error)}`);
}

/** Runs `fn` in one transaction of `db`; any failure becomes an OpsError for `where`. */
export async function inTransaction<T>(db: Db, where: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(fn);
  } catch (error) {
    throw toOpsError(error, where);
  }
}

/**
 * The service called `name` among `known`, or an OpsError that lists them and suggests the closest
 * (edit distance: a dozen lines here, since the runtime may not import the CLI's helpers).
 */
export function resolveService<S extends string>(name: string, known: readonly S[]): S {
  const found = known.find((service) => service === name);
  if (found !== undefined) return found;
  const closest = known
    .map((service) => ({ service, distance: editDistance(name.toLowerCase(), service.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance)[0];
  const hint = closest !== undefined && closest.distance <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean ${closest.service}?)` : '';
  throw new OpsError('unknown-service', `unknown service "${name}"${hint}; the services are: ${known.join(', ')}`);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** A positive whole number from a CLI argument, or an OpsError saying what was expected. */
export function positiveInteger(value: string | number, what: string): number {
  const number = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isInteger(number) || number < 1) throw new OpsError('bad-argument', `${what}: expected a positive whole number, got "${value}"`);
  return number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `90s`, `5m`, `2h`, `1d` (or milliseconds as a bare number), in ms. */
export function parseDuration(value: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (match === null) throw new OpsError('bad-argument', `${what}: expected a duration such as 90s, 5m, 2h or 1d, got "${value}"`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!);
}
