#!/usr/bin/env node
// The same order flow in both styles, in one run: the orchestrated order system (`edasaga init`,
// OrderSaga sends commands and waits for replies) and the choreography (`init --template
// choreography`, each service reacts to the events before it), both made by the real CLI. Every
// service runs in this Node process (startSystem), on the embedded default (SQLite file per service,
// in-process transport) and on PostgreSQL (a schema per service) + NATS JetStream. Happy path only
// (the longest path in both: paid, reserved, shipped, confirmed), placed as POST /orders does (its
// transaction: store the order, write OrderCreated to the outbox) by 64 concurrent clients.
// Prints per style and backend:
//   - orders/s end to end (accepted -> CONFIRMED at the order service) and p50/p99 completion time;
//   - CPU per order of this process (all six or five services) and of the whole machine;
//   - per order: transactions and physical COMMITs summed over the services' databases, messages
//     published (broker writes) and deliveries (messages handed to a consumer group, including the
//     types on a topic that the group does not handle).
// Runs alternate style by style per backend, so that noise on a shared machine hits both alike.
//
//   node bench/orders-choreography.mjs [orders=2000] [backends=embedded,pg-nats] [rounds=1]
// Needs, for pg-nats, PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and
// NATS with JetStream (NATS_URL, default nats://127.0.0.1:4222).
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { REPO, happyOrder, load, machineBusyMs, percentile } from './project-fixture.mjs';

const ORDERS = Number(process.argv[2] ?? 2000);
const BACKENDS = (process.argv[3] ?? 'embedded,pg-nats').split(',');
const ROUNDS = Number(process.argv[4] ?? 1);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const CLIENTS = 64;
const rate = (n, ms) => Math.round((n / ms) * 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function node(args, cwd) {
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${r.status})`);
}

/** init (with a template) + generate into a fresh folder under .tmp/ (resolves the repo's node_modules). */
function generate(template) {
  if (!existsSync(join(REPO, 'dist', 'commands', 'generate.js'))) node([join(REPO, 'scripts', 'build.mjs')], REPO);
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const dir = join(REPO, '.tmp', `bench-${template}-${process.pid}-${randomBytes(3).toString('hex')}`);
  node([join(REPO, 'bin', 'run.js'), 'init', dir, '--template', template], REPO);
  node([join(REPO, 'bin', 'run.js'), 'generate'], dir);
  return dir;
}

/** Counts what the services hand to the broker and what the broker hands to their handlers. */
function counting(transport) {
  const counts = { published: 0, delivered: 0 };
  const wrapped = {
    name: transport.name,
    ensureTopics: (topics) => transport.ensureTopics(topics),
    publish: (messages) => {
      counts.published += messages.length;
      return transport.publish(messages);
    },
    subscribe: (options) =>
      transport.subscribe({
        ...options,
        handle: (delivery) => {
          counts.delivered += 1;
          return options.handle(delivery);
        },
      }),
    ...(transport.problem ? { problem: () => transport.problem() } : {}),
    ...(transport.backlog ? { backlog: (group, topic) => transport.backlog(group, topic) } : {}),
    close: () => transport.close(),
  };
  return { transport: wrapped, counts };
}

const styles = [
  {
    name: 'orchestrated (OrderSaga)',
    template: 'order-system',
    confirmed: "SELECT COUNT(*) AS n FROM edasaga_sagas WHERE state = 'COMPLETED'",
    latencies: "SELECT s.updated_at AS done, d.doc AS doc FROM edasaga_sagas s JOIN edasaga_documents d ON d.collection = 'api:order' AND d.id = s.id WHERE s.state = 'COMPLETED'",
  },
  {
    name: 'choreography (OrderFlow)',
    template: 'choreography',
    confirmed: "SELECT COUNT(*) AS n FROM edasaga_flows WHERE status = 'COMPLETED'",
    latencies: "SELECT f.updated_at AS done, d.doc AS doc FROM edasaga_flows f JOIN edasaga_documents d ON d.collection = 'api:order' AND d.id = f.id WHERE f.status = 'COMPLETED'",
  },
];

async function runOnce(style, dir, backend) {
  const { startSystem } = await load(dir, 'src/generated/app/system.ts');
  const { loadConfig, openTransport } = await load(dir, 'src/generated/app/config.ts');
  const { OrderCreated } = await load(dir, 'src/generated/index.ts');
  const id = randomBytes(3).toString('hex');
  const env = backend === 'pg-nats' ? { DATABASE_URL, EDASAGA_TRANSPORT: 'nats', NATS_URL, EDASAGA_SCHEMA_PREFIX: `bench_ch_${id}_`, EDASAGA_TOPIC_PREFIX: `bench-ch-${id}-`, PG_POOL_SIZE: '4' } : {};
  const config = { ...loadConfig(env), dataDir: join(dir, `data-${backend}-${id}`) };
  const { transport, counts } = counting(await openTransport(config, env));
  const system = await startSystem({ config, env, transport, logger: 'silent', http: false, metrics: false });
  const order = system.service('order');
  const dbs = [...system.services.values()].map((s) => s.db);
  const totals = () => dbs.reduce((t, db) => ({ tx: t.tx + db.transactions, commits: t.commits + db.commits }), { tx: 0, commits: 0 });
  const confirmed = async () => Number((await order.db.transaction((tx) => tx.query(style.confirmed)))[0].n);
  // What POST /orders does after validating the body (http.ts; the choreography also starts its flow row).
  const { startFlow, choreographiesOf } = await load(dir, 'src/generated/app/flow-tracker.ts');
  const flow = choreographiesOf('order')[0];
  const place = (i) => {
    const orderId = randomUUID();
    const data = OrderCreated.create({ ...happyOrder(i), orderId });
    return order.transaction(
      async (uow) => {
        await uow.state.put('api:order', orderId, { id: orderId, createdAt: uow.now });
        if (flow !== undefined) await startFlow(uow.tx, flow, orderId, uow.now);
        await uow.publish({ type: OrderCreated.type, topic: OrderCreated.topic, key: orderId, dataversion: OrderCreated.version, data, correlationid: orderId });
      },
      { correlationid: orderId },
    );
  };
  try {
    const warm = Math.min(200, Math.ceil(ORDERS / 10));
    for (let i = 0; i < warm; i++) await place(-i - 1);
    while ((await confirmed()) < warm) await sleep(10);
    await system.idle({ quietMs: 100 });
    const before = totals();
    const countsBefore = { ...counts };
    const busyBefore = machineBusyMs();
    const cpuBefore = process.cpuUsage();
    const startedAt = Date.now();
    const start = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (next < ORDERS) await place(next++);
    }));
    while ((await confirmed()) < warm + ORDERS) {
      await sleep(5);
      if (performance.now() - start > 600_000) throw new Error('orders did not complete in 10 min');
    }
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    const busyMs = machineBusyMs() - busyBefore;
    // The listeners (notification, analytics) finish after the order is confirmed: count them too.
    await system.idle({ quietMs: 200 });
    const after = totals();
    const rows = await order.db.transaction((tx) => tx.query(style.latencies));
    const latencies = rows
      .map((row) => ({ done: Number(row.done), created: Number((typeof row.doc === 'string' ? JSON.parse(row.doc) : row.doc).createdAt) }))
      .filter((r) => r.created >= startedAt)
      .map((r) => r.done - r.created)
      .sort((a, b) => a - b);
    return {
      style: style.name,
      backend,
      orderRate: rate(ORDERS, ms),
      ms,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpuMs: (cpu.user + cpu.system) / 1000 / ORDERS,
      machineMs: busyMs / ORDERS,
      tx: (after.tx - before.tx) / ORDERS,
      commits: (after.commits - before.commits) / ORDERS,
      published: (counts.published - countsBefore.published) / ORDERS,
      delivered: (counts.delivered - countsBefore.delivered) / ORDERS,
      cleanup: { schemaPrefix: env.EDASAGA_SCHEMA_PREFIX, topicPrefix: env.EDASAGA_TOPIC_PREFIX },
    };
  } finally {
    await system.stop();
    await transport.close();
  }
}

async function cleanup({ schemaPrefix, topicPrefix }) {
  if (schemaPrefix === undefined) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [schemaPrefix]);
    for (const row of rows) await client.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
  } finally {
    await client.end();
  }
  const { connect } = await import('nats');
  const connection = await connect({ servers: NATS_URL.split(',') });
  try {
    const manager = await connection.jetstreamManager();
    const names = [];
    for await (const stream of manager.streams.list()) if (stream.config.name.startsWith(topicPrefix)) names.push(stream.config.name);
    for (const name of names) await manager.streams.delete(name);
  } finally {
    await connection.close();
  }
}

const dirs = new Map(styles.map((style) => [style.template, generate(style.template)]));
try {
  const results = [];
  for (const backend of BACKENDS) {
    for (let round = 0; round < ROUNDS; round++) {
      for (const style of round % 2 === 0 ? styles : [...styles].reverse()) {
        const r = await runOnce(style, dirs.get(style.template), backend);
        await cleanup(r.cleanup).catch((error) => console.warn(`cleanup: ${error}`));
        results.push(r);
        console.log(
          `${backend.padEnd(8)} ${r.style.padEnd(25)} ${String(r.orderRate).padStart(5)} orders/s (${ORDERS} in ${r.ms.toFixed(0)} ms), p50 ${r.p50} ms p99 ${r.p99} ms; ` +
            `CPU/order ${r.cpuMs.toFixed(2)} ms this process, ${r.machineMs.toFixed(2)} ms machine; per order ${r.tx.toFixed(2)} tx, ${r.commits.toFixed(2)} COMMITs, ${r.published.toFixed(2)} messages published, ${r.delivered.toFixed(2)} deliveries`,
        );
      }
    }
  }
  console.log(`\nmachine: ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
} finally {
  for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
}
