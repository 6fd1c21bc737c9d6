#!/usr/bin/env node
// Startup time of the CLI against bare Node: `node -e 0`, `edasaga --help`, and `edasaga validate`
// on the order-system example (lean path, and forced through oclif for comparison).
// Runs the commands interleaved, several times each, and prints median / min / p90 and the ratio
// of each median to `node -e 0`. Usage: npm run build && node bench/startup.mjs [--runs N] [--json]

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' }, json: { type: 'boolean', default: false } } });
const runs = Math.max(3, Number(values.runs));

if (!existsSync(join(root, 'dist/schema/generated/catalog.cjs')) || !existsSync(join(root, 'oclif.manifest.json'))) {
  console.error('bench/startup: build first (npm run build)');
  process.exit(2);
}

const example = join(root, 'examples/order-system/catalog.yaml');
const bin = join(root, 'bin/run.js');
const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'edasaga --help', args: [bin, '--help'] },
  { name: 'edasaga validate (example)', args: [bin, 'validate', '--catalog', example], expect: 0 },
  { name: 'edasaga validate via oclif', args: [bin, 'validate', '--catalog', example], env: { EDASAGA_NO_FAST_PATH: '1' }, expect: 0 },
];

const times = new Map(cases.map((c) => [c.name, []]));
// One warm-up round so the file system cache is not part of the first measurement.
for (const c of cases) run(c);
for (let i = 0; i < runs; i++) {
  for (const c of cases) times.get(c.name).push(run(c));
}

function run(c) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.args, { cwd: root, env: { ...process.env, NO_COLOR: '1', ...c.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== (c.expect ?? 0)) {
    console.error(`bench/startup: "${c.name}" exited ${r.status}:\n${r.stderr}`);
    process.exit(1);
  }
  return ms;
}

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { median: q(0.5), min: s[0], p90: q(0.9) };
};
const baseline = stat(times.get('node -e 0')).median;
const rows = cases.map((c) => ({ name: c.name, ...stat(times.get(c.name)), ratio: stat(times.get(c.name)).median / baseline }));

if (values.json) {
  console.log(JSON.stringify({ runs, node: process.version, cpus: cpus().length, loadavg: loadavg(), rows }, null, 2));
} else {
  console.log(`startup, ${runs} runs each, ${process.version} (${process.platform}/${process.arch}), ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`${'command'.padEnd(30)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'p90'.padStart(8)}  x node -e 0`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(30)} ${fmt(r.median)} ${fmt(r.min)} ${fmt(r.p90)}  ${r.ratio.toFixed(2)}x`);
  }
}

function fmt(ms) {
  return `${ms.toFixed(1)} ms`.padStart(8);
}
