// Sagas for the ops CLI, read from the orchestrator's database: the list (by state, the stuck
// ones), one saga's whole story (its transitions, the messages it received and sent with their ids
// and whether they left the outbox yet, its pending deadline), and an operator's confirmation of a
// compensation that can never succeed.
import type { Db, Tx } from '../db/port.js';
import type { SagaDefinition } from '../saga/definition.js';
import { SagaEngine } from '../saga/engine.js';
import { listSagas, loadSaga, sagaHistory, type SagaInstance } from '../saga/store.js';
import { Outbox } from '../store/outbox.js';
import { silentLogger } from '../logger.js';
import { inTransaction, OpsError, toOpsError } from './errors.js';

export interface SagaSummary {
  readonly id: string;
  readonly type: string;
  readonly state: string;
  readonly terminal: boolean;
  /** The step the state concerns (its name when the definition was given), undefined when none. */
  readonly step: string | undefined;
  /** Sends of the current command or compensation. */
  readonly attempts: number;
  /** Since the saga started. */
  readonly ageMs: number;
  /** Since its last change. */
  readonly idleMs: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deadline: PendingDeadline | undefined;
}

export interface PendingDeadline {
  readonly at: string;
  /** `timeout` (waiting for a reply) or `retry` (a resend is scheduled). */
  readonly kind: string;
  /** Negative once it has passed (the timer takes it on its next pass). */
  readonly inMs: number;
}

export interface SagaListQuery {
  readonly state?: string;
  /** Saga type; default every type. */
  readonly type?: string;
  /** Only non-terminal sagas that have not changed for longer than this. */
  readonly stuckOlderThanMs?: number;
  /** Default 100. */
  readonly limit?: number;
  /** To name the steps. */
  readonly definitions?: readonly SagaDefinition<any>[];
  readonly now?: number;
}

/** Sagas of `db`, least recently changed first. */
export function listSagaSummaries(db: Db, service: string, query: SagaListQuery = {}): Promise<SagaSummary[]> {
  const now = query.now ?? Date.now();
  return inTransaction(db, service, async (tx) => {
    const sagas = await listSagas(tx, {
      ...(query.type === undefined ? {} : { sagaType: query.type }),
      ...(query.state === undefined ? {} : { state: query.state }),
      ...(query.stuckOlderThanMs === undefined ? {} : { notUpdatedSince: now - query.stuckOlderThanMs }),
      limit: query.limit ?? 100,
    });
    return sagas.map((saga) => summarize(saga, now, query.definitions));
  });
}

function summarize(saga: SagaInstance, now: number, definitions: readonly SagaDefinition<any>[] | undefined): SagaSummary {
  const steps = definitions?.find((definition) => definition.name === saga.sagaType)?.steps;
  const step = saga.step < 0 ? undefined : (steps?.[saga.step]?.name ?? `#${saga.step}`);
  return {
    id: saga.id,
    type: saga.sagaType,
    state: saga.state,
    terminal: saga.terminal,
    step,
    attempts: saga.attempt,
    ageMs: now - saga.createdAt,
    idleMs: now - saga.updatedAt,
    createdAt: new Date(saga.createdAt).toISOString(),
    updatedAt: new Date(saga.updatedAt).toISOString(),
    deadline:
      saga.deadlineAt === undefined ? undefined : { at: new Date(saga.deadlineAt).toISOString(), kind: saga.deadlineKind ?? 'timeout', inMs: saga.deadlineAt - now },
  };
}

export interface SagaMessage {
  readonly id: string;
  readonly type: string;
  /** When the transition that received or sent it happened. */
  readonly at: string;
  /** Sent ones: still in the outbox (`queued`: the relay has not published it) or `published`. */
  readonly status?: 'queued' | 'published';
}

export interface SagaTransitionView {
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly event: string;
  readonly received: { readonly id: string; readonly type: string } | undefined;
  readonly sent: readonly { readonly id: string; readonly type: string }[];
  readonly note: string | undefined;
}

export interface SagaDetails {
  readonly saga: SagaSummary & { readonly data: unknown; readonly version: number; readonly awaitingMessageId: string | undefined };
  readonly transitions: readonly SagaTransitionView[];
  readonly received: readonly SagaMessage[];
  readonly sent: readonly SagaMessage[];
}

/** One saga's whole story; `type` is needed only when sagas of two types share the id. */
export function sagaDetails(db: Db, service: string, id: string, options: { readonly type?: string; readonly now?: number; readonly definitions?: readonly SagaDefinition<any>[] } = {}): Promise<SagaDetails> {
  const now = options.now ?? Date.now();
  return inTransaction(db, service, async (tx) => {
    const saga = await findSaga(tx, service, id, options.type);
    const history = await sagaHistory(tx, saga.sagaType, saga.id);
    const transitions: SagaTransitionView[] = history.map((entry) => ({
      at: new Date(entry.at).toISOString(),
      from: entry.from,
      to: entry.to,
      event: entry.event,
      received: entry.messageId === undefined ? undefined : { id: entry.messageId, type: entry.messageType ?? 'unknown' },
      sent: entry.sent ?? [],
      note: entry.note,
    }));
    const sentIds = [...new Set(history.flatMap((entry) => (entry.sent ?? []).map((message) => message.id)))];
    const queued = await stillQueued(tx, sentIds);
    const received: SagaMessage[] = [];
    const sent: SagaMessage[] = [];
    for (const entry of transitions) {
      if (entry.received !== undefined) received.push({ ...entry.received, at: entry.at });
      for (const message of entry.sent) sent.push({ ...message, at: entry.at, status: queued.has(message.id) ? 'queued' : 'published' });
    }
    return {
      saga: { ...summarize(saga, now, options.definitions), data: saga.data, version: saga.version, awaitingMessageId: saga.messageId },
      transitions,
      received,
      sent,
    };
  });
}

/** The saga with that id, of `type` when given; an OpsError when there is none, or several. */
async function findSaga(tx: Tx, service: string, id: string, type: string | undefined): Promise<SagaInstance> {
  if (type !== undefined) {
    const saga = await loadSaga(tx, type, id);
    if (saga === undefined) throw new OpsError('unknown-saga', `${service}: no ${type} saga with id ${id}`);
    return saga;
  }
  const rows = await tx.query<{ saga_type: string }>('SELECT saga_type FROM edasaga_sagas WHERE id = ? ORDER BY saga_type', [id]);
  if (rows.length === 0) throw new OpsError('unknown-saga', `${service}: no saga with id ${id}`);
  if (rows.length > 1) throw new OpsError('ambiguous-saga', `${service}: sagas of several types have id ${id} (${rows.map((row) => row.saga_type).join(', ')}): name the type`);
  return (await loadSaga(tx, String(rows[0]!.saga_type), id))!;
}

/** Which of these message ids are still waiting in the outbox. */
async function stillQueued(tx: Tx, ids: readonly string[]): Promise<Set<string>> {
  const queued = new Set<string>();
  for (let start = 0; start < ids.length; start += 500) {
    const part = ids.slice(start, start + 500);
    const rows = await tx.query<{ id: string }>(`SELECT id FROM edasaga_outbox WHERE dispatched_at IS NULL AND id IN (${part.map(() => '?').join(', ')})`, part);
    for (const row of rows) queued.add(String(row.id));
  }
  return queued;
}

export interface ConfirmedCompensation {
  readonly id: string;
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly note: string;
}

/**
 * An operator's word that the compensation saga `id` waits for was done by other means
 * (SagaEngine.confirmCompensation): the saga moves on as if its participant had confirmed. The
 * engine may be the running service's, or one made for the command with `opsSagaEngine`.
 */
export async function confirmCompensation(engine: SagaEngine<unknown>, service: string, id: string, note: string): Promise<ConfirmedCompensation> {
  if (note.trim() === '') throw new OpsError('bad-argument', 'a note is required: say how the step was undone (it goes into the saga history)');
  const before = await inTransaction(engine.db, service, (tx) => loadSaga(tx, engine.name, id));
  if (before === undefined) throw new OpsError('unknown-saga', `${service}: no ${engine.name} saga with id ${id}`);
  let confirmed: boolean;
  try {
    confirmed = await engine.confirmCompensation(id, note);
  } catch (error) {
    throw toOpsError(error, service);
  }
  if (!confirmed) throw new OpsError('not-compensating', `${service}: ${engine.name} ${id} is ${before.state}, not waiting for a compensation; nothing changed`);
  const after = await inTransaction(engine.db, service, (tx) => loadSaga(tx, engine.name, id));
  return { id, type: engine.name, from: before.state, to: after?.state ?? 'unknown', note };
}

/** A saga engine over a service's database for an ops command (no timer, no consumer; messages go to its outbox). */
export function opsSagaEngine<D>(db: Db, service: string, definition: SagaDefinition<D>): SagaEngine<D> {
  return new SagaEngine<D>({ definition, db, outbox: new Outbox(db), service, source: `/${service}`, logger: silentLogger() });
}
