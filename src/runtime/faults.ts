// Which failures are the infrastructure's and which are the handler's. A transient fault (a
// deadlock, a serialization failure, a lost or refused connection, a transaction rolled back with
// its commit group) says nothing about the message: the consumer retries it with backoff for as long
// as it takes and never counts it toward the delivery cap, so a database restart or a hot row can
// never turn good messages into dead letters. Only a handler's own errors use up attempts.

/** Thrown by a handler for a failure that will pass (a provider that is down): retried, never counted. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/**
 * A transaction's outcome when the group commit it ran in failed for another member's reason (or for
 * an unknown one): it did not commit, and the error it would have had is not its own to act on.
 */
export class GroupAborted extends Error {
  override readonly name = 'GroupAborted';
  constructor(cause: unknown) {
    super(`rolled back with the other transactions of its group commit: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * PostgreSQL SQLSTATEs of faults that pass: class 08 (connection exception), 40001 serialization
 * failure, 40P01 deadlock, 53 insufficient resources (too many connections, out of memory or disk),
 * 55P03 lock not available, 57P01-57P05 (server shut down or restarting, idle session timeout).
 */
function transientSqlState(code: string): boolean {
  return code.startsWith('08') || code === '40001' || code === '40P01' || code.startsWith('53') || code === '55P03' || /^57P0[1-5]$/.test(code);
}

/** Node's socket errors: the peer is away or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
/** SQLite: another connection holds the database (a maintenance script). */
const SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']);
/** nats.js's codes for a server that is away, restarting, or whose JetStream has not answered yet. */
const NATS_CODES = new Set(['CONNECTION_REFUSED', 'CONNECTION_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_DRAINING', 'DISCONNECT', 'TIMEOUT', '503', '408']);
/**
 * kafkajs errors about a cluster that is not (yet) there, whatever their `retriable` flag says:
 * after a broker restart the group coordinator is briefly unknown (KafkaJSGroupCoordinatorNotFound,
 * marked non-retriable), and a client gives up with KafkaJSNumberOfRetriesExceeded.
 */
const KAFKA_TRANSIENT = new Set([
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSFetcherRebalanceError',
]);
/** Errors `pg` raises without a code when the server or the socket goes away. */
const PG_MESSAGES = [/^Connection terminated/, /^Client has encountered a connection error/, /timeout exceeded when trying to connect/, /^Client was closed/, /Connection terminated unexpectedly/];

export type FaultKind = 'deadlock' | 'serialization' | 'connection' | 'busy' | 'group' | 'conflict' | 'transient';

/** What kind of transient fault `error` (or one of its causes) is; undefined for a handler's own error. */
export function transientKind(error: unknown): FaultKind | undefined {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    if (typeof current !== 'object') return undefined;
    const { name, code, message, cause, retriable } = current as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; retriable?: unknown };
    if (name === 'TransientError') return 'transient';
    // kafkajs marks what a retry can mend (a broker away, a leader moving, a coordinator loading).
    if (typeof name === 'string' && name.startsWith('KafkaJS') && (retriable === true || KAFKA_TRANSIENT.has(name))) return 'connection';
    if (name === 'NatsError' && typeof code === 'string' && NATS_CODES.has(code)) return 'connection';
    if (name === 'GroupAborted') return 'group';
    if (name === 'ConcurrencyConflict') return 'conflict';
    if (typeof code === 'string') {
      if (code === '40P01') return 'deadlock';
      if (code === '40001') return 'serialization';
      if (/^[0-9A-Z]{5}$/.test(code) && transientSqlState(code)) return code.startsWith('08') || code.startsWith('57') ? 'connection' : 'busy';
      if (NETWORK_CODES.has(code)) return 'connection';
      if (SQLITE_CODES.has(code)) return 'busy';
    }
    if (typeof message === 'string' && PG_MESSAGES.some((pattern) => pattern.test(message))) return 'connection';
    current = cause;
  }
  return undefined;
}

export function isTransient(error: unknown): boolean {
  return transientKind(error) !== undefined;
}
