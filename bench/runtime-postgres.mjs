#!/usr/bin/env node
// OrderSaga end to end on PostgreSQL: five services, each in its own schema of the local server
// (127.0.0.1:5432, db test), on the in-process transport. Prints orders/s and transactions per order.
//
//   node bench/runtime-postgres.mjs [orders=2000]        (EDASAGA_TEST_PG overrides the URL)
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { tsImport } from 'tsx/esm/api';

const ORDERS = Number(process.argv[2] ?? 2000);
const URL = process.env.EDASAGA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const load = (path) => tsImport(path, import.meta.url);
const { openPostgres } = await load('../src/runtime/db/postgres.ts');
const { startOrderSystem } = await load('../test/runtime/fixtures/order-system.ts');

let transactions = 0;
const factory = {
  name: 'postgres',
  available: true,
  async create() {
    const db = await openPostgres({ schema: `bench_${randomUUID().replace(/-/g, '').slice(0, 16)}`, connectionString: URL, pool: { max: 8 } });
    if (process.env.NO_NOTIFY === "1") db.notify = undefined;
    const inner = db.transaction.bind(db);
    db.transaction = (fn) => {
      transactions += 1;
      return inner(fn);
    };
    return { db, reopen: async () => db, cleanup: async () => (await db.dropSchema(), await db.close()) };
  },
};
const system = await startOrderSystem(factory, { sagaTimer: true, keepOutbox: false });
try {
  const count = () =>
    system.services.notification.db.transaction(async (tx) => Number((await tx.query("SELECT COUNT(*) AS n FROM edasaga_documents WHERE collection = 'notifications'"))[0].n));
  for (let i = 0; i < 50; i++) await system.placeOrder();
  while ((await count()) < 50) await new Promise((r) => setTimeout(r, 10));
  const base = { tx: transactions, done: await count() };
  const start = performance.now();
  const placing = [];
  for (let i = 0; i < ORDERS; i++) placing.push(system.placeOrder());
  await Promise.all(placing);
  let done = 0;
  while (done < ORDERS) {
    await new Promise((r) => setTimeout(r, 50));
    done = (await count()) - base.done;
    if (performance.now() - start > 300_000) throw new Error(`only ${done} of ${ORDERS} orders completed in 5 min`);
  }
  const ms = performance.now() - start;
  console.log(`OrderSaga end to end on PostgreSQL: ${ORDERS} orders in ${ms.toFixed(0)} ms = ${Math.round((ORDERS / ms) * 1000)} orders/s`);
  console.log(`  transactions per order (all 5 services, incl. relay, timer and this poll): ${((transactions - base.tx) / ORDERS).toFixed(2)}`);
  console.log(`  saga states: ${JSON.stringify(await system.services.order.saga('OrderSaga').countByState())}; ${cpus().length} cpus, node ${process.version}`);
} finally {
  // Drops the five bench schemas, also when interrupted by an error.
  await system.stop();
}
