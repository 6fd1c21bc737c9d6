// Shared test plumbing: every repository test runs against a fresh SQLite file AND a fresh
// PostgreSQL schema on the local server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../src/runtime/db/port.js';
import { openSqlite } from '../../src/runtime/db/sqlite.js';
import { openPostgres, type PostgresDb } from '../../src/runtime/db/postgres.js';

export const PG_URL = process.env['EDASAGA_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

const pgProblem = await probePostgres();
if (pgProblem !== undefined) {
  if (process.env['CI'] === 'true') throw new Error(`PostgreSQL is required in CI: ${pgProblem}`);
  console.warn(`skipping PostgreSQL runtime tests: ${PG_URL} unreachable (${pgProblem})`);
}
export const postgresAvailable = pgProblem === undefined;

export interface DbFactory {
  readonly name: 'sqlite' | 'postgres';
  readonly available: boolean;
  /** Opens a fresh, empty database; `open(same)` again reopens the same one (restart simulation). */
  create(): Promise<{ db: Db; reopen(): Promise<Db>; cleanup(): Promise<void> }>;
}

export const sqliteFactory: DbFactory = {
  name: 'sqlite',
  available: true,
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'edasaga-rt-'));
    const file = join(dir, 'service.db');
    const opened: Db[] = [];
    const open = async (): Promise<Db> => {
      const db = openSqlite(file);
      opened.push(db);
      return db;
    };
    const db = await open();
    return {
      db,
      reopen: open,
      async cleanup() {
        for (const d of opened) await d.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const postgresFactory: DbFactory = {
  name: 'postgres',
  available: postgresAvailable,
  async create() {
    const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    const opened: PostgresDb[] = [];
    const open = async (): Promise<Db> => {
      const db = await openPostgres({ schema, connectionString: PG_URL, pool: { max: 4 } });
      opened.push(db);
      return db;
    };
    const db = await open();
    return {
      db,
      reopen: open,
      async cleanup() {
        const first = opened[0];
        if (first !== undefined) await first.dropSchema();
        for (const d of opened) await d.close();
      },
    };
  },
};

export const dbFactories: readonly DbFactory[] = [sqliteFactory, postgresFactory];

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
