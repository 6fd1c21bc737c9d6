// Dead letters for the ops CLI: list, show, replay, purge. A replay moves the message from the
// dead-letter store into the outbox in ONE transaction, keeping its id and headers (its trace
// context too): a crash half-way leaves it in one place or the other, never lost and never
// doubled; the relay of the running service publishes it (PostgreSQL: woken by the outbox's NOTIFY;
// SQLite: at its next poll); consumers that had handled it find its id in their inbox, the one that
// gave up on it handles it again. Replaying many goes in batches of REPLAY_BATCH, each atomic.
import type { Db, Tx } from '../db/port.js';
import { countDeadLetters, listDeadLetters, takeDeadLetters, type DeadLetterFilter, type DeadLetterRow } from '../store/dead-letters.js';
import { Outbox } from '../store/outbox.js';
import { inTransaction, OpsError } from './errors.js';

/** Dead letters moved per transaction by a replay or purge of many. */
export const REPLAY_BATCH = 500;

export interface DeadLetterSummary {
  readonly seq: number;
  /** The consumer (service) that gave up on it. */
  readonly consumer: string;
  readonly messageId: string;
  readonly type: string;
  readonly topic: string;
  readonly key: string;
  /** The last error's first line. */
  readonly error: string;
  readonly attempts: number;
  readonly at: string;
  readonly ageMs: number;
}

export interface DeadLetterDetails extends Omit<DeadLetterSummary, 'error'> {
  readonly error: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as JSON when it parses, else the text. */
  readonly body: unknown;
}

export interface DeadLetterQuery {
  readonly type?: string;
  readonly olderThanMs?: number;
  /** Default 100. */
  readonly limit?: number;
  readonly now?: number;
}

export interface DeadLetterList {
  /** How many match, beyond the `limit` listed. */
  readonly total: number;
  readonly deadLetters: readonly DeadLetterSummary[];
}

function filterOf(query: { readonly type?: string; readonly olderThanMs?: number; readonly seq?: number }, now: number): DeadLetterFilter {
  return {
    ...(query.type === undefined ? {} : { type: query.type }),
    ...(query.olderThanMs === undefined ? {} : { before: now - query.olderThanMs }),
    ...(query.seq === undefined ? {} : { seq: query.seq }),
  };
}

function summarize(row: DeadLetterRow, now: number): DeadLetterSummary {
  return {
    seq: row.seq,
    consumer: row.consumer,
    messageId: row.messageId,
    type: row.type,
    topic: row.message.topic,
    key: row.message.key,
    error: row.error.split('\n', 1)[0] ?? '',
    attempts: row.attempts,
    at: new Date(row.createdAt).toISOString(),
    ageMs: now - row.createdAt,
  };
}

export function listDeadLetterSummaries(db: Db, service: string, query: DeadLetterQuery = {}): Promise<DeadLetterList> {
  const now = query.now ?? Date.now();
  const filter = filterOf(query, now);
  return inTransaction(db, service, async (tx) => ({
    total: await countDeadLetters(tx, filter),
    deadLetters: (await listDeadLetters(tx, query.limit ?? 100, filter)).map((row) => summarize(row, now)),
  }));
}

export async function showDeadLetter(db: Db, service: string, seq: number, now = Date.now()): Promise<DeadLetterDetails> {
  const [row] = await inTransaction(db, service, (tx) => listDeadLetters(tx, 1, { seq }));
  if (row === undefined) throw unknownDeadLetter(service, seq);
  let body: unknown = row.message.body;
  try {
    body = JSON.parse(row.message.body);
  } catch {
    // Not JSON (that may be why it is here): shown as text.
  }
  return { ...summarize(row, now), error: row.error, headers: row.message.headers, body };
}

function unknownDeadLetter(service: string, seq: number): OpsError {
  return new OpsError('unknown-dead-letter', `${service}: no dead letter with seq ${seq}`);
}

/** One dead letter, or every one (of a type): what a replay or a purge acts on. */
export type DeadLetterTarget = { readonly seq: number } | { readonly all: true; readonly type?: string; readonly olderThanMs?: number };

export interface DeadLetterActionReport {
  readonly service: string;
  readonly dryRun: boolean;
  /** What was (or, dry, would be) replayed or purged. */
  readonly messages: readonly { readonly seq: number; readonly messageId: string; readonly type: string; readonly topic: string; readonly key: string }[];
  /** One sentence saying what happened. */
  readonly summary: string;
}

function described(row: DeadLetterRow): DeadLetterActionReport['messages'][number] {
  return { seq: row.seq, messageId: row.messageId, type: row.type, topic: row.message.topic, key: row.message.key };
}

/**
 * Publishes dead letters again through the outbox with their original ids (see the header), and
 * removes them from the store; `dryRun` lists what would be replayed and changes nothing.
 */
export async function replayDeadLetters(db: Db, service: string, target: DeadLetterTarget, options: { readonly dryRun?: boolean; readonly now?: number } = {}): Promise<DeadLetterActionReport> {
  const outbox = new Outbox(db);
  const now = options.now ?? Date.now();
  const report = await act(db, service, target, options, async (tx, rows) => {
    for (const row of rows) await outbox.appendReplay(tx, row.message, now);
  });
  const count = report.messages.length;
  return {
    ...report,
    summary: options.dryRun === true
      ? `${service}: would replay ${count} dead letter(s); nothing changed (dry run)`
      : `${service}: replayed ${count} dead letter(s) through the outbox with their original message ids; the relay publishes them, and consumers that had handled them skip them (inbox)`,
  };
}

/** Deletes dead letters for good; `dryRun` lists what would go. */
export async function purgeDeadLetters(db: Db, service: string, target: DeadLetterTarget, options: { readonly dryRun?: boolean; readonly now?: number } = {}): Promise<DeadLetterActionReport> {
  const report = await act(db, service, target, options, async () => undefined);
  const count = report.messages.length;
  return {
    ...report,
    summary: options.dryRun === true ? `${service}: would purge ${count} dead letter(s); nothing changed (dry run)` : `${service}: purged ${count} dead letter(s)`,
  };
}

/** Takes the target's dead letters batch by batch (each batch one transaction with `then`). */
async function act(
  db: Db,
  service: string,
  target: DeadLetterTarget,
  options: { readonly dryRun?: boolean; readonly now?: number },
  then: (tx: Tx, rows: readonly DeadLetterRow[]) => Promise<void>,
): Promise<Omit<DeadLetterActionReport, 'summary'>> {
  const now = options.now ?? Date.now();
  const dryRun = options.dryRun === true;
  const filter = filterOf('seq' in target ? { seq: target.seq } : target, now);
  const messages: DeadLetterActionReport['messages'][number][] = [];
  if (dryRun) {
    // The same selection, read page by page (by seq) and left in place.
    for (let after = 0; ; ) {
      const rows = await inTransaction(db, service, (tx) => listDeadLetters(tx, REPLAY_BATCH, { ...filter, afterSeq: after }));
      messages.push(...rows.map(described));
      if (rows.length < REPLAY_BATCH) break;
      after = rows[rows.length - 1]!.seq;
    }
  } else {
    for (;;) {
      const rows = await inTransaction(db, service, async (tx) => {
        const taken = await takeDeadLetters(tx, filter, REPLAY_BATCH);
        await then(tx, taken);
        return taken;
      });
      messages.push(...rows.map(described));
      if (rows.length < REPLAY_BATCH) break;
    }
  }
  if ('seq' in target && messages.length === 0) throw unknownDeadLetter(service, target.seq);
  return { service, dryRun, messages };
}
