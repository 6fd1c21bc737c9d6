// The storage port: the little every runtime repository needs from a database. SQLite
// (better-sqlite3) and PostgreSQL (pg) implement it; the outbox, inbox, dead-letter, document and
// saga repositories are written once against it. SQL uses `?` placeholders everywhere; the
// PostgreSQL adapter rewrites them to `$1..$n`. Each service owns one database (SQLite file) or one
// schema (PostgreSQL).

/** A value that can be bound to a `?`. Booleans become 1/0 on SQLite; objects must be JSON-encoded first. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

export type Row = Record<string, unknown>;

export interface Tx {
  /** Runs one statement and returns its rows (empty for statements that return none). */
  query<R extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** Runs one statement and returns how many rows it changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs `fn` after this transaction commits (not after a rollback). */
  afterCommit(fn: () => void): void;
  /**
   * Optional: queues a write whose result nobody reads, to be sent with the transaction's next
   * statement or its commit (PostgreSQL: fewer round trips). Use it through `executeLater`.
   */
  defer?(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** Per-transaction scratch space for repositories (e.g. "NOTIFY already sent"). */
  readonly locals: Map<string, unknown>;
  readonly dialect: Dialect;
}

export type DialectName = 'sqlite' | 'postgres';

/** The few places where the SQL of the two databases differs. */
export interface Dialect {
  readonly name: DialectName;
  /** Column type for an auto-incrementing primary key (with the PRIMARY KEY clause). */
  readonly serialPrimaryKey: string;
  /** 64-bit integer type (epoch milliseconds, sequences). */
  readonly bigint: string;
  /** Appended to CREATE TABLE for tables keyed by their primary key only (SQLite: WITHOUT ROWID). */
  readonly clusteredTableSuffix: string;
  /** Appended to a SELECT that claims rows for one worker among several. Empty on SQLite (one writer). */
  readonly claimSuffix: string;
  /** Appended to a SELECT that locks the rows it reads until the transaction ends. Empty on SQLite (one writer). */
  readonly rowLockSuffix: string;
  /** SQL expression comparing a top-level JSON field of `column` to a `?` holding JSON text. */
  jsonFieldEquals(column: string, field: string): string;
}

export interface TransactionOptions {
  /**
   * Never share the physical transaction with others (group commit). For a transaction that does
   * something outside the database before it commits (the PostgreSQL relay publishes while holding
   * its claim): sharing would let it see, and act on, other callers' writes that are not committed yet.
   */
  readonly alone?: boolean;
}

export interface Db {
  readonly dialect: Dialect;
  /** Where the data lives: file path (SQLite) or schema name (PostgreSQL). */
  readonly location: string;
  /**
   * Runs `fn` in a transaction: commits when it resolves, rolls back when it rejects (and rethrows).
   * Transactions of one Db never interleave on one connection; do not nest them.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Listens for notifications (PostgreSQL LISTEN/NOTIFY); returns a function that stops listening.
   * Absent where the database has none (SQLite: one process, in-process signals suffice).
   */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** Sends a notification from inside a transaction; delivered at commit. */
  notify?(tx: Tx, channel: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs a write whose outcome the caller does not need (an outbox row, a history entry). An adapter
 * may hold it back until the next statement or the commit; its error then fails that instead.
 */
export function executeLater(tx: Tx, sql: string, params: readonly SqlValue[] = []): Promise<void> {
  return tx.defer !== undefined ? tx.defer(sql, params) : tx.execute(sql, params).then(() => undefined);
}

/** Thrown when an optimistic-concurrency check fails; consumers retry the delivery. */
export class ConcurrencyConflict extends Error {
  override readonly name = 'ConcurrencyConflict';
}

/** Numbers come back from PostgreSQL BIGINT columns as strings: read every integer through this. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number(value);
  throw new TypeError(`expected a number, got ${typeof value}`);
}

export function toOptionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : toNumber(value);
}
