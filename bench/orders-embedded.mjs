#!/usr/bin/env node
// The generated order system on the embedded default (five services, one SQLite file each, in-process
// transport, one Node process), made by the real CLI (`init` + `generate`), driven the way its HTTP
// API places orders (the POST handler's transaction: store the order, write OrderCreated to the
// outbox), happy path only (the longest one: 4 saga steps + the notification).
// Prints, from one run:
//   - raw SQLite commit rate: one-row transactions/s on better-sqlite3 with the runtime's pragmas;
//   - orders/s end to end (placed -> saga COMPLETED in every order), and p50/p99 completion time;
//   - what one order costs: logical transactions and physical COMMITs (group commit folds several
//     transactions into one COMMIT), summed over the five databases;
//   - the targets: >= 1000 orders/s, and >= half of raw commits/s / commits per order.
// A second run goes through the real HTTP API: `npm start` in its own process, 64 HTTP clients,
// reporting the server's and the clients' CPU per order apart and the ratio to the in-process
// figure; a third paces the orders at half that peak for the completion time of an unsaturated
// system. BENCH_CPU_PROF=DIR writes the server's V8 CPU profile there.
//
//   node bench/orders-embedded.mjs [orders=5000] [httpOrders=1000] [rawCommits=50000]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { generateProject, happyOrder, load, machineBusyMs, percentile } from './project-fixture.mjs';

const ORDERS = Number(process.argv[2] ?? 5000);
const HTTP_ORDERS = Number(process.argv[3] ?? 1000);
const RAW = Number(process.argv[4] ?? 50_000);
const rate = (n, ms) => Math.round((n / ms) * 1000);

const project = generateProject('embedded');
try {
  // ---- raw commit rate ---------------------------------------------------------------------------
  const raw = new Database(join(project.dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const begin = raw.prepare('BEGIN IMMEDIATE');
  const insert = raw.prepare('INSERT INTO t (v) VALUES (?)');
  const commit = raw.prepare('COMMIT');
  let t0 = performance.now();
  for (let i = 0; i < RAW; i++) {
    begin.run();
    insert.run('x');
    commit.run();
  }
  const rawRate = rate(RAW, performance.now() - t0);
  raw.close();
  console.log(`raw SQLite commit rate: ${rawRate} one-row transactions/s (WAL, synchronous=NORMAL, ${RAW} commits)`);

  const { startSystem } = await load(project.dir, 'src/generated/app/system.ts');
  const { loadConfig } = await load(project.dir, 'src/generated/app/config.ts');
  const { OrderCreated } = await load(project.dir, 'src/generated/index.ts');

  async function runOnce(label, count, viaHttp) {
    const config = { ...loadConfig({}), dataDir: join(project.dir, `data-${label}`) };
    const system = await startSystem({ config, env: {}, logger: 'silent', http: viaHttp ? { port: 0 } : false });
    const order = system.service('order');
    const dbs = [...system.services.values()].map((s) => s.db);
    const totals = () => dbs.reduce((t, db) => ({ tx: t.tx + db.transactions, commits: t.commits + db.commits }), { tx: 0, commits: 0 });
    const place = viaHttp
      ? async (i) => {
          const response = await fetch(`${system.http.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(happyOrder(i)) });
          if (response.status !== 202) throw new Error(`POST /orders: ${response.status}`);
          await response.json();
        }
      : (i) => {
          // What POST /orders does after validating the body.
          const id = randomUUID();
          const data = OrderCreated.create({ ...happyOrder(i), orderId: id });
          return order.transaction(
            async (uow) => {
              await uow.state.put('api:order', id, { id, createdAt: uow.now });
              await uow.publish({ type: OrderCreated.type, topic: OrderCreated.topic, key: id, dataversion: OrderCreated.version, data, correlationid: id });
            },
            { correlationid: id },
          );
        };
    const completed = async () =>
      Number((await order.db.transaction((tx) => tx.query("SELECT COUNT(*) AS n FROM edasaga_sagas WHERE state = 'COMPLETED'")))[0].n);
    // Warm-up (JIT, statement caches): not counted.
    const warm = Math.min(200, Math.ceil(count / 10));
    for (let i = 0; i < warm; i++) await place(-i - 1);
    while ((await completed()) < warm) await new Promise((r) => setTimeout(r, 10));
    await system.idle({ quietMs: 50 });
    const before = totals();
    const busyBefore = machineBusyMs();
    const cpuBefore = process.cpuUsage();
    const startedAt = Date.now();
    const start = performance.now();
    // Placed by 64 concurrent clients, as an HTTP server would see them.
    let next = 0;
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next < count) await place(next++);
    }));
    const placedMs = performance.now() - start;
    while ((await completed()) < warm + count) {
      await new Promise((r) => setTimeout(r, 5));
      if (performance.now() - start > 600_000) throw new Error('orders did not complete in 10 min');
    }
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    const busyMs = machineBusyMs() - busyBefore;
    await system.idle({ quietMs: 50 });
    const after = totals();
    const latencies = (
      await order.db.transaction((tx) =>
        tx.query(
          "SELECT s.updated_at - CAST(json_extract(d.doc, '$.createdAt') AS INTEGER) AS ms FROM edasaga_sagas s JOIN edasaga_documents d ON d.collection = 'api:order' AND d.id = s.id WHERE CAST(json_extract(d.doc, '$.createdAt') AS INTEGER) >= ?",
          [startedAt],
        ),
      )
    )
      .map((row) => Number(row.ms))
      .sort((a, b) => a - b);
    await system.stop();
    const txPerOrder = (after.tx - before.tx) / count;
    const commitsPerOrder = (after.commits - before.commits) / count;
    return { label, count, ms, placedMs, cpuMsPerOrder: (cpu.user + cpu.system) / 1000 / count, machineMsPerOrder: busyMs / count, orderRate: rate(count, ms), p50: percentile(latencies, 50), p99: percentile(latencies, 99), measured: latencies.length, txPerOrder, commitsPerOrder };
  }


  // `npm start` as its own process, driven over HTTP by 64 clients in this process (so client and
  // server do not share an event loop). Completion is read from the order service's SQLite file.
  /** CPU time (ms) a child process has used so far, from /proc (utime + stime, in clock ticks of 10 ms). */
  const childCpuMs = (pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };

  // BENCH_CPU_PROF=DIR: the server writes a V8 CPU profile there when it stops (node --cpu-prof).
  async function runHttp(count, pacedPerSecond) {
    const dataDir = join(project.dir, `data-http-${pacedPerSecond ?? 'peak'}`);
    const port = 42000 + Math.floor(Math.random() * 2000);
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
    const server = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/generated/main.ts'], { cwd: project.dir, env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; !(await fetch(`${base}/health`).then((r) => r.ok, () => false)); i++) {
        if (i > 300) throw new Error('npm start did not come up');
        await new Promise((r) => setTimeout(r, 100));
      }
      const db = new Database(join(dataDir, 'order.db'), { readonly: true });
      const completed = () => Number(db.prepare("SELECT COUNT(*) AS n FROM edasaga_sagas WHERE state = 'COMPLETED'").get().n);
      const post = async (i) => {
        const response = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(happyOrder(i)) });
        if (response.status !== 202) throw new Error(`POST /orders: ${response.status}`);
        await response.json();
      };
      const drive = async (from, n) => {
        let next = from;
        await Promise.all(Array.from({ length: 64 }, async () => {
          while (next < from + n) await post(next++);
        }));
      };
      // At a steady rate instead of as fast as possible: for the completion time of a system that
      // is not saturated (the p99 a user sees at half the peak).
      const pace = async (from, n, perSecond) => {
        const t0 = performance.now();
        const inFlight = [];
        for (let k = 0; k < n; k++) {
          const due = t0 + (k * 1000) / perSecond;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          inFlight.push(post(from + k));
        }
        await Promise.all(inFlight);
      };
      const warm = 200;
      await drive(0, warm);
      while (completed() < warm) await new Promise((r) => setTimeout(r, 10));
      const busyBefore = machineBusyMs();
      const clientBefore = process.cpuUsage();
      const serverBefore = childCpuMs(server.pid);
      const startedAt = Date.now();
      const start = performance.now();
      if (pacedPerSecond === undefined) await drive(warm, count);
      else await pace(warm, count, pacedPerSecond);
      const placedMs = performance.now() - start;
      while (completed() < warm + count) {
        await new Promise((r) => setTimeout(r, 5));
        if (performance.now() - start > 600_000) throw new Error('orders did not complete in 10 min');
      }
      const ms = performance.now() - start;
      const busyMs = machineBusyMs() - busyBefore;
      const client = process.cpuUsage(clientBefore);
      const serverMs = childCpuMs(server.pid) - serverBefore;
      const latencies = db
        .prepare("SELECT s.updated_at - CAST(json_extract(d.doc, '$.createdAt') AS INTEGER) AS ms FROM edasaga_sagas s JOIN edasaga_documents d ON d.collection = 'api:order' AND d.id = s.id WHERE CAST(json_extract(d.doc, '$.createdAt') AS INTEGER) >= ?")
        .all(startedAt)
        .map((row) => Number(row.ms))
        .sort((a, b) => a - b);
      db.close();
      return {
        count,
        ms,
        placedMs,
        pacedPerSecond,
        orderRate: rate(count, ms),
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        measured: latencies.length,
        machineMsPerOrder: busyMs / count,
        serverMsPerOrder: serverMs / count,
        clientMsPerOrder: (client.user + client.system) / 1000 / count,
      };
    } finally {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await exited;
      }
    }
  }

  const reportHttp = (r, inProcess) => {
    const how = r.pacedPerSecond === undefined ? '64 HTTP clients in this one' : `paced at ${r.pacedPerSecond} orders/s, half the peak`;
    console.log(`\nthrough the HTTP API of \`npm start\` (its own process; ${how}): ${r.count} orders in ${r.ms.toFixed(0)} ms = ${r.orderRate} orders/s end to end (placing took ${r.placedMs.toFixed(0)} ms)`);
    console.log(`  completion time (accepted -> saga COMPLETED), ${r.measured} orders: p50 ${r.p50} ms, p99 ${r.p99} ms`);
    console.log(`  CPU per order: server ${r.serverMsPerOrder.toFixed(2)} ms, HTTP clients ${r.clientMsPerOrder.toFixed(2)} ms; machine-wide ${r.machineMsPerOrder.toFixed(2)} ms (includes anything else running)`);
    if (r.pacedPerSecond === undefined) {
      console.log(`  against in-process placement in this run: ${((r.orderRate / inProcess.orderRate) * 100).toFixed(0)} % of its orders/s (target >= 70 %), server CPU ${(r.serverMsPerOrder / inProcess.cpuMsPerOrder).toFixed(2)}x its CPU per order`);
      console.log(`  target 1: >= 1000 orders/s -> ${r.orderRate >= 1000 ? 'met' : 'NOT met'}`);
    }
  };

  const report = (r) => {
    console.log(`\n${r.label}: ${r.count} orders in ${r.ms.toFixed(0)} ms = ${r.orderRate} orders/s end to end (placing took ${r.placedMs.toFixed(0)} ms)`);
    console.log(`  completion time (accepted -> saga COMPLETED), ${r.measured} orders: p50 ${r.p50} ms, p99 ${r.p99} ms`);
    console.log(`  CPU per order: ${r.cpuMsPerOrder.toFixed(2)} ms in this process, ${r.machineMsPerOrder.toFixed(2)} ms machine-wide (includes anything else running)`);
    console.log(`  per order, five databases (incl. relay and the poll): ${r.txPerOrder.toFixed(2)} transactions, ${r.commitsPerOrder.toFixed(2)} physical COMMITs`);
    const barTx = Math.round(rawRate / r.txPerOrder / 2);
    const barCommits = Math.round(rawRate / Math.max(r.commitsPerOrder, 1e-9) / 2);
    console.log(`  target 1: >= 1000 orders/s -> ${r.orderRate >= 1000 ? 'met' : 'NOT met'}`);
    console.log(`  target 2: >= raw / transactions-per-order / 2 = ${barTx} orders/s -> ${r.orderRate >= barTx ? 'met' : 'NOT met'}`);
    console.log(`            (counting physical COMMITs instead: raw / ${r.commitsPerOrder.toFixed(2)} / 2 = ${barCommits} orders/s -> ${r.orderRate >= barCommits ? 'met' : 'NOT met'})`);
  };
  const inProcess = await runOnce('in-process placement (the POST handler transaction)', ORDERS, false);
  report(inProcess);
  if (HTTP_ORDERS > 0) {
    const peak = await runHttp(HTTP_ORDERS);
    reportHttp(peak, inProcess);
    reportHttp(await runHttp(Math.ceil(HTTP_ORDERS / 2), Math.max(1, Math.round(peak.orderRate / 2))), inProcess);
  }
  console.log(`\nmachine: ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
} finally {
  project.remove();
}
