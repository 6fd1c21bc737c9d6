#!/usr/bin/env node
// The generated order system as separate processes (`npm run start:dev`: one Node process per
// service) on PostgreSQL (one schema per service) with Kafka, then with NATS JetStream. Orders go
// through the HTTP API (64 concurrent clients), happy path only. Prints, per transport:
//   - orders/s end to end (accepted -> saga COMPLETED) and p50/p99 completion time;
//   - commits (and round trips) one order costs, counted in the services' pg clients
//     (bench/pg-commit-counter.mjs), next to PostgreSQL's own count for the whole database;
//   - CPU per order of the service processes, PostgreSQL and the broker (/proc);
//   - the raw PostgreSQL commit rate (one-row INSERT transactions) over as many connections as the
//     services use (5 services x PG_POOL_SIZE), measured in the same run;
//   - the targets: >= 300 orders/s, and >= half of raw commits/s / commits per order.
//
//   node bench/orders-infra.mjs [orders=2000] [transports=kafka,nats]
//   BENCH_RUNTIME_REV=<git rev> node bench/orders-infra.mjs ...   (the same on an older runtime)
// Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test), Kafka on
// 127.0.0.1:9092 (scripts/kafka.sh start) and NATS with JetStream on 127.0.0.1:4222.
import { execSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import pg from 'pg';
import { REPO, generateProject, happyOrder, machineBusyMs, percentile } from './project-fixture.mjs';

const ORDERS = Number(process.argv[2] ?? 2000);
const TRANSPORTS = (process.argv[3] ?? 'kafka,nats').split(',');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const POOL = Number(process.env.PG_POOL_SIZE ?? 4);
const SERVICES = 5;
const CONNECTIONS = SERVICES * POOL;
const CLIENTS = 64;
const rate = (n, ms) => Math.round((n / ms) * 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const admin = new pg.Client({ connectionString: DATABASE_URL });
await admin.connect();
const commitsSoFar = async () => Number((await admin.query('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()')).rows[0].xact_commit);
// WAL flushes to disk: what commits physically cost (concurrent commits share a flush).
const walSyncsSoFar = async () => Number((await admin.query('SELECT wal_sync FROM pg_stat_wal')).rows[0]?.wal_sync ?? 0);
/** Deletes the run's topics and consumer groups (Kafka) or streams (NATS). */
async function dropBrokerState(transport, prefix) {
  if (transport === 'kafka') {
    const { Kafka, logLevel } = await import('kafkajs');
    const admin = new Kafka({ clientId: 'edasaga-bench-cleanup', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  } else {
    const { connect } = await import('nats');
    const connection = await connect({ servers: (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',') });
    try {
      const manager = await connection.jetstreamManager();
      const names = [];
      for await (const stream of manager.streams.list()) if (stream.config.name.startsWith(prefix)) names.push(stream.config.name);
      for (const name of names) await manager.streams.delete(name);
    } finally {
      await connection.close();
    }
  }
}

/**
 * CPU time (ms) per process group so far, from /proc (Linux): this run's service processes (the
 * descendants of start:dev), every PostgreSQL process, and the broker (Kafka's JVM or nats-server).
 * The machine is shared, so PostgreSQL and the broker may include others' work; the services do not.
 */
function groupCpuMs(rootPid, transport) {
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      procs.set(Number(name), { comm, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // exited meanwhile
    }
  }
  const inRun = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = procs.get(p)?.ppid ?? 0, hops++) if (p === rootPid) return true;
    return false;
  };
  const ms = { services: 0, postgres: 0, broker: 0, perService: {} };
  const broker = transport === 'kafka' ? 'java' : 'nats-server';
  for (const [pid, proc] of procs) {
    if (inRun(pid)) {
      ms.services += proc.ticks * 10;
      // Per service: its CPU and its system calls (reads, writes) and context switches, which
      // are what a message costs on a machine where every kernel entry is expensive.
      const service = serviceOf(pid);
      if (service !== undefined) ms.perService[service] = { cpu: proc.ticks * 10, ...ioOf(pid) };
    } else if (proc.comm === 'postgres') ms.postgres += proc.ticks * 10;
    else if (proc.comm === broker) ms.broker += proc.ticks * 10;
  }
  return ms;
}

function serviceOf(pid) {
  try {
    const match = /src\/generated\/mains\/([^/.]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    return match?.[1];
  } catch {
    return undefined;
  }
}

function ioOf(pid) {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (text, name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
    return { reads: field(io, 'syscr'), writes: field(io, 'syscw'), switches: field(status, 'voluntary_ctxt_switches') + field(status, 'nonvoluntary_ctxt_switches') };
  } catch {
    return { reads: 0, writes: 0, switches: 0 };
  }
}

/** COMMITs and queries the services' pg clients sent so far (bench/pg-commit-counter.mjs). */
function serviceSqlSoFar(dir) {
  const total = { commits: 0, queries: 0, byService: {} };
  for (const name of readdirSync(dir)) {
    try {
      const counts = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      total.commits += counts.commits;
      total.queries += counts.queries;
      const service = serviceOf(Number.parseInt(name, 10)) ?? 'other';
      total.byService[service] = (total.byService[service] ?? 0) + counts.queries;
    } catch {
      // being rewritten this instant; the next read has it
    }
  }
  return total;
}

async function dropSchemas(prefix) {
  const { rows } = await admin.query('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [prefix]);
  for (const row of rows) await admin.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
}

// ---- raw commit rate over the same number of connections ----------------------------------------
async function rawCommitRate(seconds = 5) {
  const schema = `bench_raw_${randomBytes(3).toString('hex')}`;
  await admin.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id BIGSERIAL PRIMARY KEY, v TEXT)`);
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: CONNECTIONS });
  let n = 0;
  const until = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < until) {
          await client.query(`INSERT INTO ${schema}.t (v) VALUES ($1)`, ['x']);
          n += 1;
        }
      } finally {
        client.release();
      }
    }),
  );
  const result = rate(n, performance.now() - start);
  await pool.end();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  return result;
}

const project = generateProject('infra');
// BENCH_RUNTIME_REV=<git rev>: run the project on the runtime (src/runtime) of that revision instead
// of the working tree's, to compare before and after on the same machine state.
if (process.env.BENCH_RUNTIME_REV) {
  const target = join(project.dir, 'src', 'generated', 'runtime');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  execSync(`git -C ${JSON.stringify(REPO)} archive ${process.env.BENCH_RUNTIME_REV} src/runtime | tar -x --strip-components=2 -C ${JSON.stringify(target)}`);
  console.log(`runtime: src/runtime at ${process.env.BENCH_RUNTIME_REV}`);
}
const results = [];
try {
  const raw = await rawCommitRate();
  console.log(`raw PostgreSQL commit rate: ${raw} one-row transactions/s over ${CONNECTIONS} connections`);
  for (const transport of TRANSPORTS) {
    const id = randomBytes(3).toString('hex');
    const schemaPrefix = `bench_${transport}_${id}_`;
    const topicPrefix = `bench-${transport}-${id}-`;
    const port = 41000 + Math.floor(Math.random() * 2000);
    const countDir = mkdtempSync(join(tmpdir(), 'edasaga-pg-count-'));
    const env = {
      ...process.env,
      DATABASE_URL,
      EDASAGA_SCHEMA_PREFIX: schemaPrefix,
      EDASAGA_TOPIC_PREFIX: topicPrefix,
      EDASAGA_TRANSPORT: transport,
      PG_POOL_SIZE: String(POOL),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(join(REPO, 'bench', 'pg-commit-counter.mjs')).href}`.trim(),
      PG_COUNT_DIR: countDir,
    };
    const system = spawn(process.execPath, ['src/generated/scripts/start-dev.mjs'], { cwd: project.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stopping = false;
    // BENCH_SERVICE_LOG=<file>: keep all the services' output there (debugging; V8 traces).
    const log = process.env.BENCH_SERVICE_LOG ? createWriteStream(process.env.BENCH_SERVICE_LOG) : undefined;
    system.stdout.on('data', (c) => { log?.write(c); output = (output + c).slice(-20000); });
    system.stderr.on('data', (c) => { log?.write(c); output = (output + c).slice(-20000); });
    const alive = () => {
      if (!stopping && (system.exitCode !== null || system.signalCode !== null)) throw new Error(`start:dev exited early:\n${output}`);
    };
    const base = `http://127.0.0.1:${port}`;
    const orderDb = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schemaPrefix}order` });
    try {
      for (let i = 0; ; i++) {
        alive();
        if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
        if (i > 600) throw new Error(`the system did not start:\n${output}`);
        await sleep(100);
      }
      await orderDb.connect();
      const completed = async () => Number((await orderDb.query("SELECT COUNT(*) AS n FROM edasaga_sagas WHERE state = 'COMPLETED'")).rows[0].n);
      const place = async (i) => {
        const response = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(happyOrder(i)) });
        if (response.status !== 202) { const body = await response.text(); await sleep(1000); throw new Error(`POST /orders: ${response.status} ${body}\n${output.slice(-4000)}`); }
        await response.json();
      };
      const drive = async (from, count) => {
        let next = from;
        await Promise.all(Array.from({ length: CLIENTS }, async () => {
          while (next < from + count) await place(next++);
        }));
      };
      // Polled every 100 ms: the COUNT scans the sagas table, 0.4 ms of PostgreSQL's CPU at 2,000
      // rows and 2.3 ms at 10,000; every 20 ms that was 0.14 (0.6) ms per order charged to
      // PostgreSQL. The run's end is known to 100 ms; completion times come from the rows.
      const waitCompleted = async (target, started) => {
        while ((await completed()) < target) {
          alive();
          await sleep(100);
          if (performance.now() - started > 600_000) throw new Error(`orders did not complete in 10 min:\n${output}`);
        }
      };
      // Warm-up: consumer groups joined, JIT, pools filled. Not counted.
      const warm = 200;
      let t = performance.now();
      await drive(0, warm);
      await waitCompleted(warm, t);
      await sleep(1000);
      const commitsBefore = await commitsSoFar();
      const syncsBefore = await walSyncsSoFar();
      const busyBefore = machineBusyMs();
      const groupsBefore = groupCpuMs(system.pid, transport);
      const sqlBefore = serviceSqlSoFar(countDir);
      const startedAt = Date.now();
      t = performance.now();
      await drive(warm, ORDERS);
      const placedMs = performance.now() - t;
      await waitCompleted(warm + ORDERS, t);
      const ms = performance.now() - t;
      const commitsAfter = await commitsSoFar();
      const syncsPerOrder = ((await walSyncsSoFar()) - syncsBefore) / ORDERS;
      const busyMs = machineBusyMs() - busyBefore;
      const groupsAfter = groupCpuMs(system.pid, transport);
      await sleep(600); // the counters are saved every 250 ms
      const sqlAfter = serviceSqlSoFar(countDir);
      const serviceCommits = (sqlAfter.commits - sqlBefore.commits) / ORDERS;
      const serviceQueries = (sqlAfter.queries - sqlBefore.queries) / ORDERS;
      const perOrder = (group) => ((groupsAfter[group] - groupsBefore[group]) / ORDERS).toFixed(1);
      const latencies = (
        await orderDb.query(
          "SELECT s.updated_at - (d.doc::jsonb ->> 'createdAt')::bigint AS ms FROM edasaga_sagas s JOIN edasaga_documents d ON d.collection = 'api:order' AND d.id = s.id WHERE (d.doc::jsonb ->> 'createdAt')::bigint >= $1",
          [startedAt],
        )
      ).rows
        .map((r) => Number(r.ms))
        .sort((a, b) => a - b);
      const commitsPerOrder = (commitsAfter - commitsBefore) / ORDERS;
      const orderRate = rate(ORDERS, ms);
      const bar = Math.round(raw / serviceCommits / 2);
      results.push({ transport, orderRate, p50: percentile(latencies, 50), p99: percentile(latencies, 99), commitsPerOrder, serviceCommits, bar, cpu: busyMs / ORDERS });
      console.log(`\nPostgreSQL + ${transport}, 5 processes: ${ORDERS} orders in ${ms.toFixed(0)} ms = ${orderRate} orders/s end to end (placing took ${placedMs.toFixed(0)} ms, ${CLIENTS} HTTP clients)`);
      console.log(`  completion time (accepted -> saga COMPLETED), ${latencies.length} orders: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies[latencies.length - 1]} ms`);
      // A step timeout (or a resend after one) means a message was stuck or lost for the step's timeout.
      const timeouts = (await orderDb.query("SELECT event, COUNT(*) AS n FROM edasaga_saga_history WHERE at >= $1 AND event IN ('timeout', 'retry') GROUP BY event", [startedAt])).rows;
      if (timeouts.length > 0) console.log(`  saga deadlines that fired during the run: ${timeouts.map((r) => `${r.n} ${r.event}`).join(', ')}`);
      console.log(`  machine CPU busy during the run: ${(busyMs / 1000).toFixed(1)} core-s of ${((ms / 1000) * cpus().length).toFixed(1)} = ${(busyMs / ORDERS).toFixed(1)} ms per order (services, PostgreSQL, broker, this client, and anything else running)`);
      console.log(`  CPU per order by process group (/proc): services ${perOrder('services')} ms, PostgreSQL ${perOrder('postgres')} ms, ${transport === 'kafka' ? 'Kafka (JVM)' : 'nats-server'} ${perOrder('broker')} ms; the rest of the machine ${(busyMs / ORDERS - ['services', 'postgres', 'broker'].reduce((sum, g) => sum + Number(perOrder(g)), 0)).toFixed(1)} ms`);
      const services = Object.keys(groupsAfter.perService).sort();
      const per = (service, field) => (((groupsAfter.perService[service]?.[field] ?? 0) - (groupsBefore.perService[service]?.[field] ?? 0)) / ORDERS);
      const trips = (s) => (((sqlAfter.byService[s] ?? 0) - (sqlBefore.byService[s] ?? 0)) / ORDERS).toFixed(1);
      console.log(`  per service, per order: ${services.map((s) => `${s} ${per(s, 'cpu').toFixed(1)} ms CPU, ${trips(s)} round trips to PostgreSQL, ${per(s, 'reads').toFixed(1)} reads, ${per(s, 'writes').toFixed(1)} writes, ${per(s, 'switches').toFixed(1)} context switches`).join('; ')}`);
      // What the CPU allows: the machine's cores divided by the CPU one order costs, and the same
      // for the parts that are not the services (PostgreSQL, broker, this load generator, the rest).
      const cores = cpus().length;
      const notServices = busyMs / ORDERS - Number(perOrder('services'));
      console.log(`  CPU ceiling on ${cores} cores: ${Math.round((cores * 1000 * ORDERS) / busyMs)} orders/s at ${(busyMs / ORDERS).toFixed(1)} ms per order; with services that cost nothing, ${Math.round((cores * 1000) / notServices)} orders/s (${notServices.toFixed(1)} ms per order outside them)`);
      console.log(`  commits per order sent by the services (read-only ones and single statements, relays and timers included): ${serviceCommits.toFixed(2)}, in ${serviceQueries.toFixed(1)} round trips to PostgreSQL`);
      console.log(`  PostgreSQL's own count (pg_stat_database: every session of the database, so also other work on a shared machine): ${commitsPerOrder.toFixed(2)} commits per order; WAL flushes per order: ${syncsPerOrder.toFixed(2)}`);
      console.log(`  target 1: >= 300 orders/s -> ${orderRate >= 300 ? 'met' : 'NOT met'}`);
      console.log(`  target 2: >= raw / commits-per-order / 2 = ${raw} / ${serviceCommits.toFixed(2)} / 2 = ${bar} orders/s -> ${orderRate >= bar ? 'met' : 'NOT met'}`);
    } finally {
      await orderDb.end().catch(() => undefined);
      stopping = true;
      if (system.exitCode === null && system.signalCode === null) {
        const exited = new Promise((r) => system.once('exit', r));
        system.kill('SIGTERM');
        await exited;
      }
      rmSync(countDir, { recursive: true, force: true });
      await dropSchemas(schemaPrefix);
      await dropBrokerState(transport, topicPrefix).catch((error) => console.warn(`could not clean ${transport}: ${error}`));
    }
  }
  console.log(`\nmachine: ${cpus().length} cpus, node ${process.version}; Kafka/NATS/PostgreSQL on the same machine`);
} finally {
  await admin.end();
  project.remove();
}
