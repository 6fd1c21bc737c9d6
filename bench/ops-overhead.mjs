#!/usr/bin/env node
// What metrics and tracing cost the generated order system (issue 12), as a user runs it: the real
// project (init + generate), every service in one process (`npm start`'s startSystem), orders
// placed through its HTTP API by 32 concurrent clients in the same process, happy path. Three modes,
// each round in a fresh child process so that the OpenTelemetry SDK (registered globally) is only
// in the runs that ask for it, alternated round by round so that the machine's load hits every
// mode alike:
//   off      EDASAGA_METRICS=off, no SDK (the API's no-op spans)
//   metrics  the default: prom-client metrics, /metrics scraped once a second
//   traced   metrics plus the OTLP exporter of the official SDK (http/json) to a sink in the parent
//            process that reads and drops what it gets: every span recorded and exported
// Prints per mode the median orders/s and CPU per order (the child's own CPU: server, clients and
// the SDK), and each mode against the `off` run of the same round (median and range of the ratios).
//
//   node bench/ops-overhead.mjs [sqlite|nats] [orders=1000] [rounds=5]
// nats: PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) + NATS (NATS_URL).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { generateProject, happyOrder, load } from './project-fixture.mjs';

const CHILD = process.argv[2] === '--child';

if (CHILD) {
  const [, , , dir, mode, countText, infra, prefix] = process.argv;
  const count = Number(countText);
  const env = {
    LOG_LEVEL: 'silent',
    EDASAGA_METRICS: mode === 'off' ? 'off' : 'on',
    ...(infra === 'nats'
      ? { DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', EDASAGA_TRANSPORT: 'nats', NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', EDASAGA_SCHEMA_PREFIX: prefix.replace(/-/g, '_'), EDASAGA_TOPIC_PREFIX: prefix, PG_POOL_SIZE: '8' }
      : { DATA_DIR: join(dir, `data-${prefix}`) }),
  };
  const { startSystem, loadConfig } = await load(dir, 'src/generated/app/index.ts');
  let tracing;
  if (mode === 'traced') {
    const { startTracing } = await load(dir, 'src/generated/runtime/index.ts');
    // The SDK's exporter reads its endpoint from process.env itself (as in a generated main).
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = process.env.SINK;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    tracing = await startTracing(process.env, { serviceName: 'bench', contextManager: false });
  }
  const system = await startSystem({ env, config: loadConfig(env), logger: 'silent', http: { port: 0 }, tracing: mode === 'traced' });
  const url = system.http.url;
  const order = system.service('order');
  const completed = async () => Number((await order.db.transaction((tx) => tx.query("SELECT COUNT(*) AS n FROM edasaga_sagas WHERE state = 'COMPLETED'")))[0].n);
  const place = async (i) => {
    const response = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(happyOrder(i)) });
    if (response.status !== 202) throw new Error(`POST /orders: ${response.status}`);
    await response.json();
  };
  const warm = 100;
  for (let i = 0; i < warm; i++) await place(-i - 1);
  while ((await completed()) < warm) await new Promise((r) => setTimeout(r, 10));
  const scrape = mode === 'off' ? undefined : setInterval(() => void fetch(`${url}/metrics`).then((r) => r.text()), 1000);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < count) await place(next++);
  }));
  while ((await completed()) < warm + count) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(scrape);
  await system.stop();
  await tracing?.shutdown();
  console.log(JSON.stringify({ mode, ordersPerSecond: (count / ms) * 1000, cpuMsPerOrder: (cpu.user + cpu.system) / 1000 / count }));
  process.exit(0);
}

const infra = process.argv[2] ?? 'sqlite';
const ORDERS = Number(process.argv[3] ?? 1000);
const ROUNDS = Number(process.argv[4] ?? 5);
const MODES = ['off', 'metrics', 'traced'];
let spans = 0;
const sink = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    spans += (body.match(/"spanId"/g) ?? []).length; // spans and their links
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const SINK = `http://127.0.0.1:${sink.address().port}`;

const project = generateProject('ops-overhead');
const schemas = [];
const runChild = (mode, prefix) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--child', project.dir, mode, String(ORDERS), infra, prefix], { env: { ...process.env, SINK }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`${mode} run exited ${code}`))));
  });
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = Object.fromEntries(MODES.map((mode) => [mode, []]));
try {
  console.log(`ops overhead: ${infra}, ${ORDERS} orders over HTTP (32 clients) per run, ${ROUNDS} rounds of ${MODES.join(', ')}`);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order within a round too: the first run of a round meets a colder machine.
    for (const mode of MODES.map((_, k) => MODES[(k + round) % MODES.length])) {
      const prefix = `bo-${mode}-${round}-${randomBytes(2).toString('hex')}-`;
      schemas.push(prefix.replace(/-/g, '_'));
      const result = await runChild(mode, prefix);
      results[mode].push(result);
      console.log(`  round ${round + 1} ${mode.padEnd(8)} ${result.ordersPerSecond.toFixed(0).padStart(5)} orders/s  ${result.cpuMsPerOrder.toFixed(2)} ms CPU/order`);
    }
  }
  console.log(`span ids received by the sink (spans and links): ${spans}`);
  for (const mode of MODES) {
    const rows = results[mode];
    const line = `${mode.padEnd(8)} median ${median(rows.map((r) => r.ordersPerSecond)).toFixed(0)} orders/s, ${median(rows.map((r) => r.cpuMsPerOrder)).toFixed(2)} ms CPU/order`;
    if (mode === 'off') {
      console.log(line);
      continue;
    }
    const cpuRatios = rows.map((r, i) => r.cpuMsPerOrder / results.off[i].cpuMsPerOrder - 1);
    const rateRatios = rows.map((r, i) => r.ordersPerSecond / results.off[i].ordersPerSecond - 1);
    const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
    console.log(`${line}; against off in the same round: CPU/order ${pct(median(cpuRatios))} (${pct(Math.min(...cpuRatios))} to ${pct(Math.max(...cpuRatios))}), orders/s ${pct(median(rateRatios))}`);
  }
} finally {
  sink.close();
  project.remove();
  if (infra === 'nats') {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
    await client.connect();
    const { rows } = await client.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bo\\_%'");
    for (const row of rows) await client.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
    await client.end();
  }
}
