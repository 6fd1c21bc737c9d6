// Real crashes: a child process is killed with SIGKILL at the worst moments, then the database file
// is opened again by this process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/runtime/db/sqlite.js';
import { Outbox } from '../../src/runtime/store/outbox.js';
import { OutboxRelay } from '../../src/runtime/relay.js';
import { Consumer } from '../../src/runtime/consumer.js';
import { handler } from '../../src/runtime/context.js';
import { migrate } from '../../src/runtime/db/migrate.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { InProcessTransport } from '../../src/runtime/transports/in-process.js';
import type { TransportMessage } from '../../src/runtime/transport.js';
import { postgresFactory, waitFor } from './helpers.js';
import type { PostgresDb } from '../../src/runtime/db/postgres.js';

const CHILD = join(import.meta.dirname, 'fixtures/crash-child.ts');

/** Starts the child, waits until it prints `marker`, kills it with SIGKILL, resolves when it is gone. */
function killAt(marker: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child never printed ${marker}; stderr: ${err}`));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(marker)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && out.includes(marker)) resolve();
      else reject(new Error(`child exited (${signal ?? _code}) before ${marker}; stderr: ${err}`));
    });
  });
}

describe('crashes on SQLite (real process, SIGKILL)', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('killed after the broker took a batch but before marking it: republished on restart, handled once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'edasaga-crash-'));
    const file = join(dir, 'writer.db');
    const wire = join(dir, 'wire.jsonl');
    await killAt('PUBLISHED', ['publish', file, wire]);
    const beforeCrash = readFileSync(wire, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as TransportMessage);
    expect(beforeCrash).toHaveLength(3);

    // Restart: the rows are still pending, so a new relay publishes them again.
    const db = openSqlite(file);
    const reader = openSqlite(join(dir, 'reader.db'));
    const transport = new InProcessTransport();
    try {
      const outbox = new Outbox(db);
      expect(await db.transaction((tx) => outbox.countPending(tx))).toBe(3);
      await migrate(reader);
      const effects: number[] = [];
      const consumer = new Consumer({
        service: 'reader', source: '/reader', db: reader, outbox: new Outbox(reader), transport, logger: silentLogger(),
        handlers: [handler<{ n: number }>({ type: 'com.example.Thing', topic: 'things', handler: async (m) => void effects.push(m.n) })],
      });
      await consumer.start();
      await transport.publish(beforeCrash); // what the broker delivered before the crash
      const relay = new OutboxRelay({ db, outbox, transport, logger: silentLogger() });
      await relay.drain();
      expect(await db.transaction((tx) => outbox.countPending(tx))).toBe(0);
      await waitFor(async () => (await reader.transaction((tx) => tx.query('SELECT * FROM edasaga_inbox'))).length === 3);
      await new Promise((r) => setTimeout(r, 50));
      expect(effects).toEqual([1, 2, 3]);
      await consumer.stop();
    } finally {
      await transport.close();
      await db.close();
      await reader.close();
    }
  });

  it('killed inside a handler transaction: no state, no outbox row, no inbox row survive', async () => {
    dir = mkdtempSync(join(tmpdir(), 'edasaga-crash-'));
    const file = join(dir, 'reader.db');
    await killAt('IN-TRANSACTION', ['handle', file]);
    const db = openSqlite(file);
    try {
      const counts = await db.transaction(async (tx) => ({
        docs: (await tx.query('SELECT * FROM edasaga_documents')).length,
        outbox: (await tx.query('SELECT * FROM edasaga_outbox')).length,
        inbox: (await tx.query('SELECT * FROM edasaga_inbox')).length,
      }));
      expect(counts).toEqual({ docs: 0, outbox: 0, inbox: 0 });
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(!postgresFactory.available)('crashes on PostgreSQL (real process, SIGKILL)', () => {
  it('a relay killed while holding its claim releases the rows; the next relay publishes them', async () => {
    const created = await postgresFactory.create();
    const dir = mkdtempSync(join(tmpdir(), 'edasaga-crash-'));
    const transport = new InProcessTransport();
    try {
      const db = created.db as PostgresDb;
      const wire = join(dir, 'wire.jsonl');
      await killAt('PUBLISHED', ['publish-pg', db.schema, wire]);
      expect(readFileSync(wire, 'utf8').trim().split('\n')).toHaveLength(3);
      const outbox = new Outbox(db);
      // The dead backend's transaction is rolled back by the server; its row locks go with it.
      await waitFor(async () => (await db.transaction((tx) => outbox.pending(tx, 10, true))).length === 3, 10_000, 'claim released');
      const seen: number[] = [];
      await transport.subscribe({ group: 'g', topics: ['things'], handle: async (d) => (seen.push((JSON.parse(d.message.body) as { n: number }).n), { kind: 'ack' }) });
      await new OutboxRelay({ db, outbox, transport, logger: silentLogger() }).drain();
      await waitFor(() => seen.length === 3);
      expect(seen).toEqual([1, 2, 3]);
      expect(await db.transaction((tx) => outbox.countPending(tx))).toBe(0);
    } finally {
      await transport.close();
      await created.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
