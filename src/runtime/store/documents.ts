// A portable JSON document store for handlers' own state, so the same handler code runs on SQLite
// and PostgreSQL. Documents live in collections, addressed by id, inside the caller's transaction.
import { executeLater, type SqlValue, type Tx } from '../db/port.js';

export type Scalar = string | number | boolean | null;

export interface DocumentStore {
  get<T>(collection: string, id: string): Promise<T | undefined>;
  /** Inserts or replaces. */
  put<T>(collection: string, id: string, doc: T): Promise<void>;
  /**
   * Read-modify-write: `fn` gets the current document (undefined if none) and returns the new one.
   * On PostgreSQL the row is locked for the rest of the transaction.
   */
  update<T>(collection: string, id: string, fn: (current: T | undefined) => T): Promise<T>;
  delete(collection: string, id: string): Promise<boolean>;
  /** Documents of a collection ordered by id. */
  list<T>(collection: string, options?: { limit?: number; offset?: number }): Promise<T[]>;
  /** Documents whose top-level fields equal the given scalars, ordered by id. */
  find<T>(collection: string, where: Readonly<Record<string, Scalar>>, options?: { limit?: number }): Promise<T[]>;
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function documentStore(tx: Tx, now: () => number = Date.now): DocumentStore {
  const lock = tx.dialect.name === 'postgres' ? ' FOR UPDATE' : '';
  const parse = <T>(text: unknown): T => JSON.parse(String(text)) as T;
  const store: DocumentStore = {
    async get<T>(collection: string, id: string): Promise<T | undefined> {
      const [row] = await tx.query('SELECT doc FROM edasaga_documents WHERE collection = ? AND id = ?', [collection, id]);
      return row === undefined ? undefined : parse<T>(row['doc']);
    },
    async put<T>(collection: string, id: string, doc: T): Promise<void> {
      // Nothing reads the upsert's result: it may travel with the next statement or the commit.
      await executeLater(
        tx,
        `INSERT INTO edasaga_documents (collection, id, doc, version, updated_at) VALUES (?, ?, ?, 1, ?)
         ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc, version = edasaga_documents.version + 1, updated_at = excluded.updated_at`,
        [collection, id, JSON.stringify(doc), now()],
      );
    },
    async update<T>(collection: string, id: string, fn: (current: T | undefined) => T): Promise<T> {
      const select = `SELECT doc FROM edasaga_documents WHERE collection = ? AND id = ?${lock}`;
      let [row] = await tx.query(select, [collection, id]);
      if (row === undefined && tx.dialect.name === 'postgres') {
        // No row to lock yet: serialise concurrent creators on the key instead, then look again
        // (a creator that committed meanwhile is visible to the new statement).
        await tx.query('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [JSON.stringify(['edasaga_documents', collection, id])]);
        [row] = await tx.query(select, [collection, id]);
      }
      const next = fn(row === undefined ? undefined : parse<T>(row['doc']));
      await store.put(collection, id, next);
      return next;
    },
    async delete(collection: string, id: string): Promise<boolean> {
      return (await tx.execute('DELETE FROM edasaga_documents WHERE collection = ? AND id = ?', [collection, id])) > 0;
    },
    async list<T>(collection: string, options: { limit?: number; offset?: number } = {}): Promise<T[]> {
      const rows = await tx.query('SELECT doc FROM edasaga_documents WHERE collection = ? ORDER BY id LIMIT ? OFFSET ?', [
        collection,
        options.limit ?? 1000,
        options.offset ?? 0,
      ]);
      return rows.map((row) => parse<T>(row['doc']));
    },
    async find<T>(collection: string, where: Readonly<Record<string, Scalar>>, options: { limit?: number } = {}): Promise<T[]> {
      const clauses = ['collection = ?'];
      const params: SqlValue[] = [collection];
      for (const [field, value] of Object.entries(where)) {
        if (!FIELD.test(field)) throw new Error(`find: field name ${JSON.stringify(field)} must be a plain identifier`);
        clauses.push(tx.dialect.jsonFieldEquals('doc', field));
        params.push(JSON.stringify(value));
      }
      params.push(options.limit ?? 1000);
      const rows = await tx.query(`SELECT doc FROM edasaga_documents WHERE ${clauses.join(' AND ')} ORDER BY id LIMIT ?`, params);
      return rows.map((row) => parse<T>(row['doc']));
    },
  };
  return store;
}
