#!/usr/bin/env node
// `edasaga export asyncapi` and `edasaga import asyncapi` on a synthetic 1,000-message catalog
// (bench/synthetic-catalog.mjs), the built CLI as a child process, as users run it; next to it,
// `asyncapi validate` of the same exported document when @asyncapi/cli is installed (on PATH, or
// ASYNCAPI_BIN=path/to/asyncapi), else skipped. Wall time is the median of N runs; cpu = user +
// sys of the child (/usr/bin/time), the steadier figure on a shared machine. Target: export of
// 1,000 messages < 1 s.
//
//   npm run build && node bench/asyncapi.mjs [runs=5] [messages=1000]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticCatalog } from './synthetic-catalog.mjs';
import { median, timedRun } from './timed-child.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.argv[2] ?? 5);
const MESSAGES = Number(process.argv[3] ?? 1000);
const bin = join(root, 'bin/run.js');
if (!existsSync(join(root, 'dist/commands/export/asyncapi.js'))) {
  console.error('bench/asyncapi: build first (npm run build)');
  process.exit(2);
}
const run = (argv, cwd, okCodes = [0]) => timedRun(argv, cwd, okCodes);

function measure(label, times, perUnit, make) {
  const samples = Array.from({ length: times }, (_, i) => make(i));
  const ms = median(samples.map((s) => s.ms));
  const cpu = median(samples.map((s) => s.cpuMs));
  console.log(`${label.padEnd(46)} ${(ms / 1000).toFixed(2).padStart(6)} s wall  ${(cpu / 1000).toFixed(2).padStart(6)} s cpu  ${(cpu / perUnit).toFixed(2).padStart(6)} ms cpu/message`);
  return { ms, cpu };
}

const work = mkdtempSync(join(tmpdir(), 'edasaga-bench-asyncapi-'));
try {
  console.log(`load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores; ${RUNS} run(s) each, median; ${MESSAGES} messages`);
  writeFileSync(join(work, 'catalog.yaml'), syntheticCatalog(MESSAGES));
  const spec = join(work, 'asyncapi.yaml');
  const node = process.execPath;
  const startup = measure('edasaga --version (start-up alone)', RUNS, MESSAGES, () => run([node, bin, '--version'], work));
  const exp = measure('export asyncapi (yaml)', RUNS, MESSAGES, () => {
    rmSync(spec, { force: true });
    return run([node, bin, 'export', 'asyncapi', '--out', spec], work);
  });
  console.log(`  the document: ${(statSync(spec).size / 1024 / 1024).toFixed(1)} MiB`);
  measure('export asyncapi --check', RUNS, MESSAGES, () => run([node, bin, 'export', 'asyncapi', '--out', spec, '--check'], work));
  const json = join(work, 'asyncapi.json');
  measure('export asyncapi (json)', RUNS, MESSAGES, () => run([node, bin, 'export', 'asyncapi', '--out', json], work));
  if (statSync(spec).size > 5 * 1024 * 1024) console.log('import: skipped, the document is larger than the 5 MiB import limit');
  else {
    measure('import asyncapi (of that document)', RUNS, MESSAGES, (i) => run([node, bin, 'import', 'asyncapi', spec, '--out', join(work, `imported-${i}.yaml`)], work, [0, 1]));
  }
  const asyncapi = process.env.ASYNCAPI_BIN ?? (spawnSync('sh', ['-c', 'command -v asyncapi'], { encoding: 'utf8' }).stdout.trim() || undefined);
  if (asyncapi === undefined) console.log('asyncapi validate: skipped (@asyncapi/cli is not installed; set ASYNCAPI_BIN or put `asyncapi` on PATH)');
  else measure('asyncapi validate (of that document)', Math.min(RUNS, 3), MESSAGES, () => run([asyncapi, 'validate', spec], work, [0, 1]));
  console.log('');
  console.log(`target export of ${MESSAGES} messages < 1 s: ${exp.ms < 1000 ? 'met' : 'MISSED'} (${(exp.ms / 1000).toFixed(2)} s wall, of which start-up ${(startup.ms / 1000).toFixed(2)} s)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
