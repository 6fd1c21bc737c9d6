#!/usr/bin/env node
// npm run bench [-- name ...]: runs the benchmarks one after another (never in parallel: each wants
// the machine's two cores to itself) and prints their figures. With names, only those run.
// Needs `npm run build`; the infra and transport benchmarks need PostgreSQL, NATS and
// `scripts/kafka.sh start`. docs/benchmarks.md records the figures and the command of each.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const BENCHES = [
  { name: 'startup', args: ['startup.mjs'] },
  { name: 'validate-large', args: ['validate-large.mjs'] },
  { name: 'generate', args: ['generate.mjs'] },
  { name: 'compat', args: ['compat.mjs'] },
  { name: 'fuzz', args: ['fuzz.mjs', '300'] },
  { name: 'asyncapi', args: ['asyncapi.mjs'] },
  { name: 'runtime-sqlite', args: ['runtime-sqlite.mjs'] },
  { name: 'orders-embedded', args: ['orders-embedded.mjs'] },
  { name: 'transport-throughput', args: ['transport-throughput.mjs'] },
  { name: 'pg-round-trip', args: ['pg-round-trip.mjs'] },
  { name: 'runtime-postgres', args: ['runtime-postgres.mjs'] },
  { name: 'observability', args: ['observability.mjs', 'sqlite'] },
  { name: 'ops-overhead', args: ['ops-overhead.mjs', 'sqlite', '1000', '5'] },
  { name: 'orders-choreography', args: ['orders-choreography.mjs'] },
  { name: 'pg-statements', args: ['pg-statements.mjs'] },
  { name: 'relay-claim', args: ['relay-claim.mjs'] },
  { name: 'orders-infra', args: ['orders-infra.mjs'] },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !BENCHES.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const bench of BENCHES) {
  if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
  const [script, ...rest] = bench.args;
  console.log(`\n### ${bench.name}: node bench/${bench.args.join(' ')}`);
  const result = spawnSync(process.execPath, [join(here, script ?? ''), ...rest], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.log(`(${bench.name} exited with ${result.status ?? result.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
