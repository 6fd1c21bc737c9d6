#!/usr/bin/env node
// What a PostgreSQL round trip costs against what a statement costs: CPU of this Node process and
// of its PostgreSQL backend (/proc, Linux) per operation, for prepared statements one per round
// trip, inlined statements one and two per round trip, and a SAVEPOINT + RELEASE pair.
//
//   node bench/pg-round-trip.mjs [operations=20000]      (DATABASE_URL overrides the server)
import { readFileSync } from 'node:fs';
import pg from 'pg';

const N = Number(process.argv[2] ?? 20000);
const client = new pg.Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
await client.connect();
const backend = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
/** CPU ms (user + system) of a process so far. */
const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
await client.query('CREATE TEMP TABLE rt (id BIGINT PRIMARY KEY, v TEXT)');
let id = 0;
async function measure(name, run) {
  const node0 = process.cpuUsage();
  const pg0 = cpuMs(backend);
  const t0 = performance.now();
  await run();
  const node = process.cpuUsage(node0);
  const pgMs = cpuMs(backend) - pg0;
  const perOp = (ms) => ((ms * 1000) / N).toFixed(0);
  console.log(`${name.padEnd(46)} wall ${perOp(performance.now() - t0)} µs/op, node ${perOp((node.user + node.system) / 1000)} µs/op, postgres ${perOp(pgMs)} µs/op`);
}
try {
  for (let round = 1; round <= 2; round++) {
    console.log(`round ${round} (${N} operations each)`);
    await measure('prepared INSERT, 1 statement per round trip', async () => {
      for (let i = 0; i < N; i++) await client.query({ name: 'ins', text: 'INSERT INTO rt VALUES ($1, $2)', values: [++id, 'hello world'] });
    });
    await measure('prepared SELECT, 1 statement per round trip', async () => {
      for (let i = 0; i < N; i++) await client.query({ name: 'sel', text: 'SELECT v FROM rt WHERE id = $1', values: [id - i] });
    });
    await measure('inlined INSERT, 1 statement per round trip', async () => {
      for (let i = 0; i < N; i++) await client.query(`INSERT INTO rt VALUES ('${++id}', 'hello world')`);
    });
    await measure('inlined INSERT + SELECT, 2 per round trip', async () => {
      for (let i = 0; i < N; i++) {
        id += 1;
        await client.query(`INSERT INTO rt VALUES ('${id}', 'hello world');\nSELECT v FROM rt WHERE id = '${id}'`);
      }
    });
    await measure('SAVEPOINT + RELEASE, 1 round trip', async () => {
      await client.query('BEGIN');
      for (let i = 0; i < N; i++) await client.query('SAVEPOINT s;\nRELEASE SAVEPOINT s');
      await client.query('COMMIT');
    });
  }
} finally {
  await client.end();
}
