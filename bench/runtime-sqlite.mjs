#!/usr/bin/env node
// Runtime throughput on SQLite (the embedded default), printed as figures:
//  1. raw commit rate: one-row transactions/s straight on better-sqlite3 (WAL, synchronous=NORMAL);
//  2. the same through the runtime's async storage port (mutex + prepared-statement cache);
//  3. OrderSaga end to end: five services (order with the saga, payment, inventory, shipping,
//     notification), each with its own SQLite file, on the in-process transport; orders placed
//     over HTTP-like transactions, finished when notification has seen every OrderConfirmed.
//     Reports orders/s, transactions and physical COMMITs per order (group commit folds queued
//     transactions into one COMMIT), and the bar: half of raw rate / transactions per order.
//
//   node bench/runtime-sqlite.mjs [orders=3000] [rawCommits=50000]      (GROUP_COMMIT=0 turns grouping off; SAGA_START=direct starts sagas in the placing transaction)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import Database from 'better-sqlite3';

const ORDERS = Number(process.argv[2] ?? 3000);
const RAW = Number(process.argv[3] ?? 50_000);
const load = (path) => tsImport(path, import.meta.url);
const { openSqlite } = await load('../src/runtime/db/sqlite.ts');
const { startOrderSystem } = await load('../test/runtime/fixtures/order-system.ts');

const dir = mkdtempSync(join(tmpdir(), 'edasaga-bench-'));
const rate = (n, ms) => Math.round((n / ms) * 1000);

// ---- 1. raw commits ---------------------------------------------------------------------------
{
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const begin = db.prepare('BEGIN IMMEDIATE');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const commit = db.prepare('COMMIT');
  const start = performance.now();
  for (let i = 0; i < RAW; i++) {
    begin.run();
    insert.run('x');
    commit.run();
  }
  const ms = performance.now() - start;
  globalThis.rawRate = rate(RAW, ms);
  console.log(`raw better-sqlite3 commits: ${RAW} one-row transactions in ${ms.toFixed(0)} ms = ${globalThis.rawRate} commits/s`);
  db.close();
}

// ---- 2. through the storage port --------------------------------------------------------------
{
  const db = openSqlite(join(dir, 'port.db'));
  await db.transaction((tx) => tx.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)'));
  const start = performance.now();
  for (let i = 0; i < RAW; i++) await db.transaction((tx) => tx.execute('INSERT INTO t (v) VALUES (?)', ['x']));
  const sequential = performance.now() - start;
  const start2 = performance.now();
  await Promise.all(Array.from({ length: RAW }, () => db.transaction((tx) => tx.execute('INSERT INTO t (v) VALUES (?)', ['x']))));
  const concurrent = performance.now() - start2;
  console.log(
    `storage port (async, group commit): sequential ${rate(RAW, sequential)} commits/s, ${RAW} concurrent callers ${rate(RAW, concurrent)} commits/s`,
  );
  await db.close();
}

// ---- 3. OrderSaga end to end ------------------------------------------------------------------
{
  let n = 0;
  const dbs = [];
  const factory = {
    name: 'sqlite',
    available: true,
    async create() {
      const db = openSqlite({ file: join(dir, `svc-${n++}.db`), ...(process.env.GROUP_COMMIT === '0' ? { maxGroupCommit: 1 } : {}), ...(process.env.PRAGMAS ? { pragmas: JSON.parse(process.env.PRAGMAS) } : {}) });
      dbs.push(db);
      return { db, reopen: async () => db, cleanup: () => db.close() };
    },
  };
  const totals = () => dbs.reduce((t, db) => ({ tx: t.tx + db.transactions, commits: t.commits + db.commits }), { tx: 0, commits: 0 });
  const system = await startOrderSystem(factory, { sagaTimer: true, keepOutbox: process.env.KEEP_OUTBOX === '1', ...(process.env.SAGA_START === 'direct' ? { sagaStart: 'direct' } : {}) });
  const notification = system.services.notification;
  const countConfirmed = () =>
    notification.db.transaction(async (tx) => Number((await tx.query("SELECT COUNT(*) AS n FROM edasaga_documents WHERE collection = 'notifications'"))[0].n));
  // Warm-up (JIT, statement caches), not counted.
  for (let i = 0; i < 50; i++) await system.placeOrder();
  while ((await countConfirmed()) < 50) await new Promise((r) => setTimeout(r, 10));
  const baseline = totals();
  const cpuBefore = process.cpuUsage();
  const baseNotified = await countConfirmed();
  const start = performance.now();
  const placing = [];
  for (let i = 0; i < ORDERS; i++) placing.push(system.placeOrder());
  await Promise.all(placing);
  const placedMs = performance.now() - start;
  let done = 0;
  while (done < ORDERS) {
    await new Promise((r) => setTimeout(r, 20));
    done = (await countConfirmed()) - baseNotified;
    if (performance.now() - start > 300_000) throw new Error(`only ${done} of ${ORDERS} orders completed in 5 min`);
  }
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerOrder = (cpu.user + cpu.system) / 1000 / ORDERS;
  const orderRate = rate(ORDERS, ms);
  const end = totals();
  const txPerOrder = (end.tx - baseline.tx) / ORDERS;
  const commitsPerOrder = (end.commits - baseline.commits) / ORDERS;
  const bar = Math.round(globalThis.rawRate / txPerOrder / 2);
  const states = await system.services.order.saga('OrderSaga').countByState();
  console.log(`OrderSaga end to end: ${ORDERS} orders in ${ms.toFixed(0)} ms = ${orderRate} orders/s (placing took ${placedMs.toFixed(0)} ms)`);
  console.log(
    `  per order, all 5 services incl. relay, timer and this poll: ${txPerOrder.toFixed(2)} transactions, ${commitsPerOrder.toFixed(2)} physical COMMITs (group commit${process.env.GROUP_COMMIT === '0' ? ' OFF' : ''})`,
  );
  console.log(
    `  CPU of this process: ${cpuMsPerOrder.toFixed(3)} ms per order (user+sys) = ${Math.round(1000 / cpuMsPerOrder)} orders/s per fully used core (load-independent-ish figure; wall-clock rates depend on what else runs)`,
  );
  console.log(`  saga states: ${JSON.stringify(states)}`);
  console.log(
    `  issue's bar: >= 1000 orders/s and >= raw / transactions-per-order / 2 = ${bar} orders/s -> ${orderRate >= 1000 && orderRate >= bar ? 'met' : 'NOT met'}`,
  );
  console.log(`  machine: ${cpus().length} cpus, node ${process.version}`);
  await system.stop();
}
rmSync(dir, { recursive: true, force: true });
