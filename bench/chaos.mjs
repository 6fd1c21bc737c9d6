#!/usr/bin/env node
// The chaos run of issue 16 on the generated order system: five service processes on PostgreSQL and
// a broker of the run's own (never the machine's), orders over HTTP (multi-item, over three hot
// SKUs, about a fifth designed to fail) while services are SIGKILLed and restarted, the order service
// once during a broker outage, and the broker killed and restarted on its store. Prints one line per
// run with what the checks found (test/e2e/chaos/checks.ts), the kills, the longest recovery and the
// drain time, then CPU per order.
//
//   node bench/chaos.mjs [orders=1000] [brokers=nats,kafka] [runs=1]
//   CHAOS_SEED=7 CHAOS_KILLS=7 CHAOS_KEEP=1 node bench/chaos.mjs 1000 nats
// Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test), nats-server
// (/usr/sbin/nats-server) and, for Kafka, the jars scripts/kafka.sh fetches (run it once).
// Exits 1 when a run broke a promise.
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { REPO, generateProject, machineBusyMs } from './project-fixture.mjs';

const ORDERS = Number(process.argv[2] ?? 1000);
const BROKERS = (process.argv[3] ?? 'nats,kafka').split(',');
const RUNS = Number(process.argv[4] ?? 1);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const { runChaos, summaryLine } = await tsImport(pathToFileURL(join(REPO, 'test', 'e2e', 'chaos', 'harness.ts')).href, import.meta.url);

const project = generateProject('chaos');
let failed = false;
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const broker of BROKERS) {
      const seed = Number(process.env.CHAOS_SEED ?? 1000 + run);
      console.log(`\n# run ${run}/${RUNS}: ${ORDERS} orders on PostgreSQL + ${broker}, seed ${seed}`);
      const busy = machineBusyMs();
      const result = await runChaos({
        projectDir: project.dir,
        broker,
        orders: ORDERS,
        seed,
        databaseUrl: DATABASE_URL,
        ...(process.env.CHAOS_KILLS ? { kills: Number(process.env.CHAOS_KILLS) } : {}),
        keep: process.env.CHAOS_KEEP === '1',
        log: (line) => console.log(`  ${line}`),
      });
      const cpuMs = machineBusyMs() - busy;
      console.log(summaryLine(result, broker));
      console.log(`  placing ${(result.placingMs / 1000).toFixed(1)} s, whole run ${(result.totalMs / 1000).toFixed(1)} s; machine CPU ${(cpuMs / 1000).toFixed(1)} core-s = ${(cpuMs / ORDERS).toFixed(1)} ms per order (${cpus().length} cores, everything on the machine)`);
      console.log(`  service logs: ${Object.entries(result.logs).map(([k, v]) => `${k} ${v}`).join(', ')} (${result.logDir})`);
      for (const example of result.counts.examples) console.log(`  - ${example}`);
      if (!result.ok) failed = true;
    }
  }
} finally {
  project.remove();
}
process.exit(failed ? 1 : 0);
