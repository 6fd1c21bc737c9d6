#!/usr/bin/env node
// How long one relay pass's claim takes on PostgreSQL with a large backlog: 100,000 pending outbox
// rows spread over many, few or one message key, a batch of 500 (the relay's default). The claim
// locks its rows (FOR UPDATE SKIP LOCKED) and says which keys another relay holds, so its time is
// time the relay holds those locks.
//
//   node bench/relay-claim.mjs [rows=100000]        (EDASAGA_TEST_PG overrides the URL)
import { randomUUID } from 'node:crypto';
import { tsImport } from 'tsx/esm/api';

/** Thrown to roll a claim back, so that every round claims the same rows. */
class Rollback extends Error {}

const ROWS = Number(process.argv[2] ?? 100_000);
const URL = process.env.EDASAGA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const load = (path) => tsImport(path, import.meta.url);
const { openPostgres } = await load('../src/runtime/db/postgres.ts');
const { migrate } = await load('../src/runtime/db/migrate.ts');
const { Outbox } = await load('../src/runtime/store/outbox.ts');

/**
 * One claim as the relay makes it; runtimes before the one-statement claim (ad72f17) made it in two
 * statements, which this also measures (BENCH: run the script in a worktree of an older revision).
 */
async function claimOnce(tx) {
  if (typeof outbox.claimWithHeldKeys === 'function') return outbox.claimWithHeldKeys(tx, 500);
  const claimed = await outbox.pending(tx, 500, true);
  const keys = [...new Set(claimed.map((row) => row.key))];
  await outbox.pendingSeqsForKeys(tx, keys, claimed[claimed.length - 1].seq);
  return claimed;
}

let outbox;
const db = await openPostgres({ schema: `bench_claim_${randomUUID().replace(/-/g, '').slice(0, 12)}`, connectionString: URL, pool: { max: 2 } });
try {
  await migrate(db);
  outbox = new Outbox(db);
  console.log(`relay claim: ${ROWS.toLocaleString('en-US')} pending rows, batch of 500, PostgreSQL at ${URL.replace(/\/\/[^@]*@/, '//')}`);
  for (const keys of [10_000, 100, 10, 1]) {
    await db.transaction(async (tx) => {
      await tx.execute('DELETE FROM edasaga_outbox');
      await tx.execute(
        `INSERT INTO edasaga_outbox (id, aggregatetype, aggregateid, type, payload, headers, topic, msg_key, created_at)
         SELECT g::text, 'things', 'k' || (g % ?), 'com.example.Thing', '{}', '{}', 'things', 'k' || (g % ?), 0 FROM generate_series(1, ?) g`,
        [keys, keys, ROWS],
      );
      await tx.execute('ANALYZE edasaga_outbox');
    }, { alone: true });
    const times = [];
    for (let i = 0; i < 5; i++) {
      await db.transaction(async (tx) => {
        const started = performance.now();
        const claimed = await claimOnce(tx);
        times.push(performance.now() - started);
        if (claimed.length !== 500) throw new Error(`claimed ${claimed.length}`);
        throw new Rollback();
      }, { alone: true }).catch((error) => { if (!(error instanceof Rollback)) throw error; });
    }
    times.sort((a, b) => a - b);
    console.log(`  ${String(keys).padStart(6)} keys: median ${times[2].toFixed(1)} ms, best ${times[0].toFixed(1)} ms (5 claims)`);
  }
} finally {
  await db.dropSchema();
  await db.close();
}

