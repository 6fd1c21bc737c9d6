// Versioned, idempotent schema migrations. Each migration runs once per database (recorded in
// edasaga_migrations) inside one transaction with every other pending one; re-running is a no-op,
// and two processes migrating the same PostgreSQL schema at once are serialised by an advisory lock.
import type { Db, Dialect } from './port.js';

export interface Migration {
  /** Unique and stable forever, e.g. `runtime-001-outbox` or `app-001-orders`. Applied in list order. */
  readonly id: string;
  statements(dialect: Dialect): readonly string[];
}

export const RUNTIME_MIGRATIONS: readonly Migration[] = [
  {
    id: 'runtime-001-outbox-inbox',
    statements: (d) => [
      // Debezium outbox-router columns (id, aggregatetype, aggregateid, type, payload) plus what the
      // relay needs: seq (order), topic, msg_key, headers (CloudEvents attributes), dispatched_at.
      `CREATE TABLE IF NOT EXISTS edasaga_outbox (
        seq ${d.serialPrimaryKey},
        id TEXT NOT NULL,
        aggregatetype TEXT NOT NULL,
        aggregateid TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        headers TEXT NOT NULL,
        topic TEXT NOT NULL,
        msg_key TEXT NOT NULL,
        created_at ${d.bigint} NOT NULL,
        dispatched_at ${d.bigint}
      )`,
      // Only PostgreSQL runs several relays that claim pending rows and look up earlier pending rows
      // of a key; the single SQLite relay reads by seq range (see relay.ts).
      ...(d.name === 'postgres'
        ? [
            'CREATE INDEX IF NOT EXISTS edasaga_outbox_pending ON edasaga_outbox (seq) WHERE dispatched_at IS NULL',
            'CREATE INDEX IF NOT EXISTS edasaga_outbox_pending_key ON edasaga_outbox (msg_key, seq) WHERE dispatched_at IS NULL',
          ]
        : []),
      'CREATE INDEX IF NOT EXISTS edasaga_outbox_dispatched ON edasaga_outbox (dispatched_at) WHERE dispatched_at IS NOT NULL',
      // Narrow rows: clustered by key on SQLite (WITHOUT ROWID). Measured: the wider saga and
      // document rows do better as rowid tables, so only the inbox is clustered.
      `CREATE TABLE IF NOT EXISTS edasaga_inbox (
        consumer TEXT NOT NULL,
        message_id TEXT NOT NULL,
        received_at ${d.bigint} NOT NULL,
        PRIMARY KEY (consumer, message_id)
      )${d.clusteredTableSuffix}`,
      'CREATE INDEX IF NOT EXISTS edasaga_inbox_received ON edasaga_inbox (received_at)',
      `CREATE TABLE IF NOT EXISTS edasaga_dead_letters (
        seq ${d.serialPrimaryKey},
        consumer TEXT NOT NULL,
        message_id TEXT NOT NULL,
        type TEXT NOT NULL,
        topic TEXT NOT NULL,
        msg_key TEXT NOT NULL,
        headers TEXT NOT NULL,
        body TEXT NOT NULL,
        error TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        created_at ${d.bigint} NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS edasaga_documents (
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        doc TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at ${d.bigint} NOT NULL,
        PRIMARY KEY (collection, id)
      )`,
    ],
  },
  {
    id: 'runtime-002-sagas',
    statements: (d) => [
      `CREATE TABLE IF NOT EXISTS edasaga_sagas (
        saga_type TEXT NOT NULL,
        id TEXT NOT NULL,
        state TEXT NOT NULL,
        terminal INTEGER NOT NULL,
        version INTEGER NOT NULL,
        data TEXT NOT NULL,
        step INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        deadline_at ${d.bigint},
        deadline_kind TEXT,
        created_at ${d.bigint} NOT NULL,
        updated_at ${d.bigint} NOT NULL,
        PRIMARY KEY (saga_type, id)
      )`,
      'CREATE INDEX IF NOT EXISTS edasaga_sagas_deadline ON edasaga_sagas (deadline_at) WHERE deadline_at IS NOT NULL',
      'CREATE INDEX IF NOT EXISTS edasaga_sagas_state ON edasaga_sagas (saga_type, state, updated_at)',
      `CREATE TABLE IF NOT EXISTS edasaga_saga_history (
        seq ${d.serialPrimaryKey},
        saga_type TEXT NOT NULL,
        saga_id TEXT NOT NULL,
        at ${d.bigint} NOT NULL,
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        event TEXT NOT NULL,
        message_type TEXT,
        message_id TEXT,
        note TEXT
      )`,
      'CREATE INDEX IF NOT EXISTS edasaga_saga_history_saga ON edasaga_saga_history (saga_type, saga_id, seq)',
    ],
  },
  {
    // PostgreSQL: every statement that inserts outbox rows NOTIFYs the relays of this schema (other
    // processes included), without a round trip of its own; PostgreSQL folds the notifications of
    // one transaction into one, delivered at commit. The channel is outboxChannel(schema).
    id: 'runtime-003-outbox-notify',
    statements: (d) =>
      d.name !== 'postgres'
        ? []
        : [
            `CREATE OR REPLACE FUNCTION edasaga_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
             BEGIN
               PERFORM pg_notify(left('edasaga_outbox_' || TG_TABLE_SCHEMA, 63), '');
               RETURN NULL;
             END
             $fn$`,
            'DROP TRIGGER IF EXISTS edasaga_outbox_notify ON edasaga_outbox',
            'CREATE TRIGGER edasaga_outbox_notify AFTER INSERT ON edasaga_outbox FOR EACH STATEMENT EXECUTE FUNCTION edasaga_outbox_notify()',
          ],
  },
  {
    id: 'runtime-004-saga-message-id',
    // The command a saga waits for a reply to: its resends keep this id (see saga/store.ts).
    statements: () => ['ALTER TABLE edasaga_sagas ADD COLUMN message_id TEXT'],
  },
  {
    id: 'runtime-005-observability',
    statements: (d) => [
      // The trace context of a saga's last transition: its timer's spans continue the saga's trace.
      'ALTER TABLE edasaga_sagas ADD COLUMN trace_parent TEXT',
      // The messages a transition sent (JSON [{ id, type }]): `ops saga <id>` lists them with their ids.
      'ALTER TABLE edasaga_saga_history ADD COLUMN sent TEXT',
      // Messages the relay published per minute (epoch minute), kept a day: `ops outbox`.
      `CREATE TABLE IF NOT EXISTS edasaga_outbox_stats (minute ${d.bigint} PRIMARY KEY, dispatched ${d.bigint} NOT NULL)`,
    ],
  },
];

/** Applies the pending migrations (runtime ones first, then `extra`); returns the ids it applied. */
export async function migrate(db: Db, extra: readonly Migration[] = []): Promise<string[]> {
  const all = [...RUNTIME_MIGRATIONS, ...extra];
  const ids = new Set<string>();
  for (const migration of all) {
    if (ids.has(migration.id)) throw new Error(`duplicate migration id ${migration.id}`);
    ids.add(migration.id);
  }
  return db.transaction(async (tx) => {
    if (db.dialect.name === 'postgres') {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext(current_schema()))');
    }
    await tx.execute(
      `CREATE TABLE IF NOT EXISTS edasaga_migrations (id TEXT PRIMARY KEY, applied_at ${db.dialect.bigint} NOT NULL)`,
    );
    const done = new Set((await tx.query<{ id: string }>('SELECT id FROM edasaga_migrations')).map((row) => row.id));
    const applied: string[] = [];
    for (const migration of all) {
      if (done.has(migration.id)) continue;
      for (const statement of migration.statements(db.dialect)) await tx.execute(statement);
      await tx.execute('INSERT INTO edasaga_migrations (id, applied_at) VALUES (?, ?)', [migration.id, Date.now()]);
      applied.push(migration.id);
    }
    return applied;
  });
}
