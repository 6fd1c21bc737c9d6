// Saga instances and their history, persisted in the orchestrator service's database. Writes are
// guarded by a version column (optimistic concurrency): a save with a stale version fails with
// ConcurrencyConflict, and the consumer redelivers the message that caused it. Where the database
// has row locks (PostgreSQL), a saga is read locked (see loadSaga), so its save cannot conflict
// and is held back to travel with the transaction's next statement or commit.
import { ConcurrencyConflict, executeLater, toNumber, toOptionalNumber, type SqlValue, type Tx } from '../db/port.js';

export type DeadlineKind = 'timeout' | 'retry';

export interface SagaInstance<D = unknown> {
  readonly sagaType: string;
  readonly id: string;
  readonly state: string;
  readonly terminal: boolean;
  readonly version: number;
  readonly data: D;
  /** Index of the step the state concerns; -1 when none. */
  readonly step: number;
  /** Sends of the current command (or compensation) so far. */
  readonly attempt: number;
  /**
   * Id of the command (or compensation) the saga waits for a reply to. A resend after a timeout
   * keeps it, so a participant that has the first one (queued, or handled and its reply on the way)
   * recognises the resend in its inbox and does nothing twice.
   */
  readonly messageId: string | undefined;
  readonly deadlineAt: number | undefined;
  readonly deadlineKind: DeadlineKind | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** W3C traceparent of the saga's last transition (its timer's spans continue that trace). */
  readonly trace?: string | undefined;
}

/** A message a transition sent. */
export interface SentMessage {
  readonly id: string;
  readonly type: string;
}

export interface SagaHistoryEntry {
  readonly seq: number;
  readonly sagaType: string;
  readonly sagaId: string;
  readonly at: number;
  readonly from: string;
  readonly to: string;
  /** `start`, `reply`, `timeout`, `retry`, `ignored`, ... */
  readonly event: string;
  readonly messageType: string | undefined;
  readonly messageId: string | undefined;
  readonly note: string | undefined;
  /** The messages the transition sent (commands, compensations, the saga's outcome events). */
  readonly sent?: readonly SentMessage[] | undefined;
}

const COLUMNS = 'saga_type, id, state, terminal, version, data, step, attempt, deadline_at, deadline_kind, message_id, trace_parent, created_at, updated_at';

function toInstance<D>(row: Record<string, unknown>): SagaInstance<D> {
  const kind = row['deadline_kind'];
  return {
    sagaType: String(row['saga_type']),
    id: String(row['id']),
    state: String(row['state']),
    terminal: toNumber(row['terminal']) === 1,
    version: toNumber(row['version']),
    data: JSON.parse(String(row['data'])) as D,
    step: toNumber(row['step']),
    attempt: toNumber(row['attempt']),
    deadlineAt: toOptionalNumber(row['deadline_at']),
    deadlineKind: kind === 'timeout' || kind === 'retry' ? kind : undefined,
    messageId: row['message_id'] === null || row['message_id'] === undefined ? undefined : String(row['message_id']),
    createdAt: toNumber(row['created_at']),
    updatedAt: toNumber(row['updated_at']),
    trace: row['trace_parent'] === null || row['trace_parent'] === undefined ? undefined : String(row['trace_parent']),
  };
}

/** The values of the columns a transition changes, in COLUMNS order: state .. trace_parent. */
function changingValues(saga: SagaInstance): SqlValue[] {
  return [saga.state, saga.terminal ? 1 : 0, saga.version, JSON.stringify(saga.data), saga.step, saga.attempt, saga.deadlineAt ?? null, saga.deadlineKind ?? null, saga.messageId ?? null, saga.trace ?? null];
}

/** Inserts a new saga; false when one with the same type and id exists (a repeated start). */
export async function insertSaga(tx: Tx, saga: SagaInstance): Promise<boolean> {
  const changed = await tx.execute(
    `INSERT INTO edasaga_sagas (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (saga_type, id) DO NOTHING`,
    [saga.sagaType, saga.id, ...changingValues(saga), saga.createdAt, saga.updatedAt],
  );
  return changed > 0;
}

/** The key in `tx.locals` of a saga row this transaction holds locked; its value is the version read. */
function lockKey(sagaType: string, id: string): string {
  return `edasaga:saga-locked:${sagaType}\u0000${id}`;
}

/** Remembers that `tx` holds the saga's row locked at `version` (callers lock only where rows can be locked). */
function markLocked(tx: Tx, sagaType: string, id: string, version: number): void {
  tx.locals.set(lockKey(sagaType, id), version);
}

/**
 * Reads a saga. With `lock` (the orchestrator, about to change it) the row is locked until the
 * transaction ends where the database can lock rows: concurrent writers of the same saga then wait
 * for each other instead of failing the version check, and the save needs no round trip of its own.
 */
export async function loadSaga<D>(tx: Tx, sagaType: string, id: string, options: { readonly lock?: boolean } = {}): Promise<SagaInstance<D> | undefined> {
  const lock = options.lock === true ? tx.dialect.rowLockSuffix : '';
  const [row] = await tx.query(`SELECT ${COLUMNS} FROM edasaga_sagas WHERE saga_type = ? AND id = ?${lock}`, [sagaType, id]);
  if (row === undefined) return undefined;
  const saga = toInstance<D>(row);
  if (lock !== '') markLocked(tx, sagaType, id, saga.version);
  return saga;
}

/** Writes `next` if the stored version is still `next.version - 1`; otherwise ConcurrencyConflict. */
export async function saveSaga(tx: Tx, next: SagaInstance): Promise<void> {
  const key = lockKey(next.sagaType, next.id);
  const sql = `UPDATE edasaga_sagas SET state = ?, terminal = ?, version = ?, data = ?, step = ?, attempt = ?, deadline_at = ?, deadline_kind = ?, message_id = ?, trace_parent = ?, updated_at = ?
     WHERE saga_type = ? AND id = ? AND version = ?`;
  const params: SqlValue[] = [
    ...changingValues(next),
    next.updatedAt,
    next.sagaType,
    next.id,
    next.version - 1,
  ];
  if (tx.locals.get(key) === next.version - 1) {
    // Read locked at exactly this version: nobody can have changed it since, so the check holds.
    await executeLater(tx, sql, params);
    tx.locals.set(key, next.version);
    return;
  }
  const changed = await tx.execute(sql, params);
  if (changed === 0) throw new ConcurrencyConflict(`saga ${next.sagaType} ${next.id} was changed concurrently (expected version ${next.version - 1})`);
}

export async function appendHistory(tx: Tx, entry: Omit<SagaHistoryEntry, 'seq'>): Promise<void> {
  await executeLater(
    tx,
    'INSERT INTO edasaga_saga_history (saga_type, saga_id, at, from_state, to_state, event, message_type, message_id, note, sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [entry.sagaType, entry.sagaId, entry.at, entry.from, entry.to, entry.event, entry.messageType ?? null, entry.messageId ?? null, entry.note ?? null, entry.sent === undefined || entry.sent.length === 0 ? null : JSON.stringify(entry.sent)],
  );
}

export async function sagaHistory(tx: Tx, sagaType: string, id: string): Promise<SagaHistoryEntry[]> {
  const rows = await tx.query('SELECT * FROM edasaga_saga_history WHERE saga_type = ? AND saga_id = ? ORDER BY seq', [sagaType, id]);
  return rows.map((row) => ({
    seq: toNumber(row['seq']),
    sagaType: String(row['saga_type']),
    sagaId: String(row['saga_id']),
    at: toNumber(row['at']),
    from: String(row['from_state']),
    to: String(row['to_state']),
    event: String(row['event']),
    messageType: row['message_type'] === null ? undefined : String(row['message_type']),
    messageId: row['message_id'] === null ? undefined : String(row['message_id']),
    note: row['note'] === null ? undefined : String(row['note']),
    sent: row['sent'] === null || row['sent'] === undefined ? undefined : (JSON.parse(String(row['sent'])) as SentMessage[]),
  }));
}

export interface SagaQuery {
  readonly sagaType?: string;
  readonly state?: string;
  /** Only non-terminal sagas not updated since this time (epoch ms). */
  readonly notUpdatedSince?: number;
  readonly limit?: number;
}

export async function listSagas<D>(tx: Tx, query: SagaQuery = {}): Promise<SagaInstance<D>[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (query.sagaType !== undefined) {
    where.push('saga_type = ?');
    params.push(query.sagaType);
  }
  if (query.state !== undefined) {
    where.push('state = ?');
    params.push(query.state);
  }
  if (query.notUpdatedSince !== undefined) {
    where.push('terminal = 0 AND updated_at < ?');
    params.push(query.notUpdatedSince);
  }
  params.push(query.limit ?? 100);
  const rows = await tx.query(
    `SELECT ${COLUMNS} FROM edasaga_sagas${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY updated_at, id LIMIT ?`,
    params,
  );
  return rows.map((row) => toInstance<D>(row));
}

/** Counts per state (dashboards, the demo). */
export async function countSagasByState(tx: Tx, sagaType: string): Promise<Record<string, number>> {
  const rows = await tx.query<{ state: string; n: unknown }>('SELECT state, COUNT(*) AS n FROM edasaga_sagas WHERE saga_type = ? GROUP BY state', [sagaType]);
  return Object.fromEntries(rows.map((row) => [row.state, toNumber(row.n)]));
}

/** Ids of sagas whose deadline has passed, oldest deadline first (no locks taken). */
export async function dueSagaIds(tx: Tx, sagaType: string, now: number, limit: number): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    'SELECT id FROM edasaga_sagas WHERE deadline_at IS NOT NULL AND deadline_at <= ? AND saga_type = ? ORDER BY deadline_at LIMIT ?',
    [now, sagaType, limit],
  );
  return rows.map((row) => String(row.id));
}

/** The saga if its deadline has still passed; on PostgreSQL locked, or undefined when another worker holds it. */
export async function claimDueSaga<D>(tx: Tx, sagaType: string, id: string, now: number): Promise<SagaInstance<D> | undefined> {
  const [row] = await tx.query(
    `SELECT ${COLUMNS} FROM edasaga_sagas WHERE saga_type = ? AND id = ? AND deadline_at IS NOT NULL AND deadline_at <= ?${tx.dialect.claimSuffix}`,
    [sagaType, id, now],
  );
  if (row === undefined) return undefined;
  const saga = toInstance<D>(row);
  // On PostgreSQL the claim locked the row (FOR UPDATE SKIP LOCKED).
  if (tx.dialect.claimSuffix !== '') markLocked(tx, sagaType, id, saga.version);
  return saga;
}

/** Moves a deadline that passed by `now` (after its handling failed) to `until`, bumping the version. */
export async function postponeDeadline(tx: Tx, sagaType: string, id: string, now: number, until: number): Promise<void> {
  await tx.execute(
    'UPDATE edasaga_sagas SET deadline_at = ?, version = version + 1 WHERE saga_type = ? AND id = ? AND deadline_at IS NOT NULL AND deadline_at <= ?',
    [until, sagaType, id, now],
  );
}

/** The earliest pending deadline of a saga type, if any (lets the timer sleep exactly that long). */
export async function nextDeadline(tx: Tx, sagaType: string): Promise<number | undefined> {
  const [row] = await tx.query<{ d: unknown }>('SELECT MIN(deadline_at) AS d FROM edasaga_sagas WHERE deadline_at IS NOT NULL AND saga_type = ?', [sagaType]);
  return toOptionalNumber(row?.d);
}
