#!/usr/bin/env node
// What metrics and tracing cost: the runtime's OrderSaga end to end (five services, in-process
// transport, scripted participants from test/runtime/fixtures), one system per mode, all running in
// this process, fed batches of orders in turn (off, on, off, on, ...):
//   off:     no observer, no OpenTelemetry SDK (the API's no-ops): how a project runs by default;
//   metrics: Prometheus metrics (createRuntimeMetrics, process metrics included), scraped every second;
//   tracing: the OpenTelemetry SDK recording every span (NodeTracerProvider, BatchSpanProcessor into
//            an exporter that drops them: all of the SDK but the network) and its AsyncLocalStorage
//            context manager, enabled only while this mode's batch runs (once enabled it taxes every
//            promise of the process, the other modes' too);
//   on:      both;
//   sampled: both, with the SDK sampling 1 trace in 10 (parentbased_traceidratio 0.1, as
//            OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG set it): the usual production setting.
// The machine is shared, so each batch of a mode is compared with the `off` batch next to it and
// the median of those ratios is reported, with the CPU time of this process per order.
//
//   node bench/observability.mjs [sqlite|postgres] [ordersPerBatch=300] [batches=10]   (MODES=off,on,metrics,tracing,sampled)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { tsImport } from 'tsx/esm/api';
import { context } from '@opentelemetry/api';
import { BatchSpanProcessor, NodeTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-node';
// A dependency of sdk-trace-node: the context manager its register() would install.
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

const DB = process.argv[2] ?? 'sqlite';
const ORDERS = Number(process.argv[3] ?? (DB === 'sqlite' ? 300 : 100));
const BATCHES = Number(process.argv[4] ?? 10);
const MODES = (process.env.MODES ?? 'off,on,metrics,tracing,sampled').split(',');
const PG_URL = process.env.EDASAGA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const load = (path) => tsImport(path, import.meta.url);
const { openSqlite } = await load('../src/runtime/db/sqlite.ts');
const { openPostgres } = await load('../src/runtime/db/postgres.ts');
const { createRuntimeMetrics } = await load('../src/runtime/observability/metrics.ts');
const { startOrderSystem } = await load('../test/runtime/fixtures/order-system.ts');

const dir = mkdtempSync(join(tmpdir(), 'edasaga-bench-obs-'));
let files = 0;
const factory = {
  name: DB,
  available: true,
  async create() {
    if (DB === 'sqlite') {
      const db = openSqlite(join(dir, `svc-${files++}.db`));
      return { db, reopen: async () => db, cleanup: () => db.close() };
    }
    const db = await openPostgres({ schema: `bench_obs_${randomUUID().replace(/-/g, '').slice(0, 16)}`, connectionString: PG_URL, pool: { max: 8 } });
    return { db, reopen: async () => db, cleanup: async () => (await db.dropSchema(), await db.close()) };
  },
};

let spansExported = 0;
const droppingExporter = {
  export(spans, done) {
    spansExported += spans.length;
    done({ code: 0 });
  },
  shutdown: async () => undefined,
};
const contextManager = new AsyncLocalStorageContextManager();

/** One system per mode, with what its batches switch on. */
async function setUp(mode) {
  // `-noals` modes register no context manager (the runtime passes contexts itself, see tracing.ts).
  const base = mode.replace(/-noals$/, '');
  const traced = base === 'on' || base === 'tracing' || base === 'sampled';
  const sampler = base === 'sampled' ? { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.1) }) } : {};
  const provider = traced ? new NodeTracerProvider({ ...sampler, spanProcessors: [new BatchSpanProcessor(droppingExporter)] }) : undefined;
  const metrics = base === 'on' || base === 'metrics' || base === 'sampled' ? await createRuntimeMetrics() : undefined;
  const system = await startOrderSystem(factory, {
    sagaTimer: true,
    keepOutbox: false,
    observe: { ...(metrics === undefined ? {} : { observer: metrics }), ...(provider === undefined ? {} : { tracing: { provider } }) },
  });
  const confirmed = () =>
    system.services.notification.db.transaction(async (tx) => Number((await tx.query("SELECT COUNT(*) AS n FROM edasaga_documents WHERE collection = 'notifications'"))[0].n));
  return { mode, traced, als: traced && !mode.endsWith('-noals'), provider, metrics, system, confirmed, done: 0 };
}

async function batch(setup, orders) {
  if (setup.als) context.setGlobalContextManager(contextManager.enable());
  const scraper = setup.metrics === undefined ? undefined : setInterval(() => void setup.metrics.metricsText(), 1000);
  const spansBefore = spansExported;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: orders }, () => setup.system.placeOrder()));
    setup.done += orders;
    while ((await setup.confirmed()) < setup.done) {
      await new Promise((r) => setTimeout(r, 10));
      if (performance.now() - start > 300_000) throw new Error('orders did not complete in 5 min');
    }
    const ms = performance.now() - start;
    await setup.provider?.forceFlush();
    const cpu = process.cpuUsage(cpuBefore);
    return { rate: (orders / ms) * 1000, cpuMs: (cpu.user + cpu.system) / 1000 / orders, spans: (spansExported - spansBefore) / orders };
  } finally {
    clearInterval(scraper);
    if (setup.als) context.disable();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const pct = (ratio) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %`;
const setups = [];
try {
  for (const mode of MODES) setups.push(await setUp(mode));
  for (const setup of setups) await batch(setup, 100); // warm-up: JIT, statement caches
  const results = [];
  for (let n = 0; n < BATCHES; n++) {
    const round = {};
    // Alternate which goes first, so that neither always meets a warmer (or busier) machine.
    for (const setup of n % 2 === 0 ? setups : [...setups].reverse()) round[setup.mode] = await batch(setup, ORDERS);
    results.push(round);
    console.log(`batch ${n + 1}: ${MODES.map((mode) => `${mode} ${round[mode].rate.toFixed(0)}/s ${round[mode].cpuMs.toFixed(3)} ms`).join(', ')}`);
  }
  console.log(`${DB}, ${BATCHES} batches of ${ORDERS} orders per mode:`);
  for (const mode of MODES) {
    const spans = median(results.map((r) => r[mode].spans));
    const line = `  ${mode.padEnd(7)} median ${median(results.map((r) => r[mode].rate)).toFixed(0)} orders/s, ${median(results.map((r) => r[mode].cpuMs)).toFixed(3)} ms CPU per order${spans > 0 ? ` (${spans.toFixed(1)} spans recorded per order)` : ''}`;
    if (mode === 'off') {
      console.log(line);
      continue;
    }
    const cpu = results.map((r) => r[mode].cpuMs / r.off.cpuMs);
    const rate = results.map((r) => r[mode].rate / r.off.rate);
    console.log(`${line}; against the off batch beside it: CPU per order ${pct(median(cpu))} (${pct(Math.min(...cpu))} to ${pct(Math.max(...cpu))}), orders/s ${pct(median(rate))}`);
  }
  console.log(`  target: under 5 % lost with metrics and tracing on; ${cpus().length} cpus, node ${process.version}`);
} finally {
  for (const setup of setups) {
    await setup.system.stop();
    await setup.provider?.shutdown();
  }
  rmSync(dir, { recursive: true, force: true });
}
