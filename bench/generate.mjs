#!/usr/bin/env node
// `edasaga generate` speed and memory, the CLI run as a child process (as users run it):
//  1. the example order system: first generation, regeneration with nothing to do, --check;
//  2. a synthetic 1,000-message catalog (20 services, shared definitions, nested objects, arrays,
//     enums, unions, every 10th message with a v2): first generation, regeneration, --check.
// Wall time is the median of N runs; peak memory is the child's maximum resident set size
// (/usr/bin/time -v). Targets: example < 1.5 s; 1,000 messages < 5.4 s and < 250 MiB.
//
//   npm run build && node bench/generate.mjs [runs=3] [messages=1000]
// Uses the built CLI (bin/run.js, dist/); with no build it falls back to the sources through tsx
// (slower: TypeScript is compiled on the fly), and says so.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticCatalog } from './synthetic-catalog.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.argv[2] ?? 3);
const MESSAGES = Number(process.argv[3] ?? 1000);
// EDASAGA_BIN: another built copy's bin/run.js (the shared dist/ may be rebuilt under you).
const bin = process.env.EDASAGA_BIN ?? join(root, 'bin/run.js');
const built = existsSync(join(dirname(bin), '../dist/commands/generate.js'));
const cli = built
  ? [bin, 'generate']
  : ['--import', 'tsx', join(root, 'test/generate/helpers/run-generate.mts')];
const haveTime = existsSync('/usr/bin/time');

function run(args, cwd) {
  const command = haveTime ? '/usr/bin/time' : process.execPath;
  const argv = haveTime ? ['-v', process.execPath, ...cli, ...args] : [...cli, ...args];
  const started = performance.now();
  const child = spawnSync(command, argv, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr ?? '');
  const user = /User time \(seconds\): ([\d.]+)/.exec(child.stderr ?? '');
  const sys = /System time \(seconds\): ([\d.]+)/.exec(child.stderr ?? '');
  const cpuMs = user && sys ? (Number(user[1]) + Number(sys[1])) * 1000 : NaN;
  if (child.status !== 0 && !(args.includes('--check') && child.status === 1)) {
    console.error(child.stdout, child.stderr);
    throw new Error(`generate ${args.join(' ')} exited with ${child.status}`);
  }
  return { ms, cpuMs, rssMiB: rss ? Number(rss[1]) / 1024 : NaN, status: child.status, stdout: child.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(label, prepare, args) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = prepare(i);
    samples.push(run(args(dir), root));
  }
  const ms = median(samples.map((s) => s.ms));
  const rss = Math.max(...samples.map((s) => s.rssMiB));
  const cpu = median(samples.map((s) => s.cpuMs));
  console.log(`${label.padEnd(44)} ${(ms / 1000).toFixed(2).padStart(6)} s wall  ${(cpu / 1000).toFixed(2).padStart(6)} s cpu   peak ${rss.toFixed(0).padStart(4)} MiB`);
  return { ms, rss, cpu };
}

// ---- runs -----------------------------------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'edasaga-bench-generate-'));
try {
  const load = (await import('node:os')).loadavg()[0];
  console.log(`load average ${load.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores (wall times are only meaningful on an idle machine; cpu = user + sys of the child)`);
  console.log(`edasaga generate benchmark: ${built ? 'built CLI (bin/run.js)' : 'SOURCES through tsx (run `npm run build` for real figures)'}, ${RUNS} run(s) each, median wall time`);
  const example = (i) => {
    const dir = join(work, `example-${i}`);
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(root, 'examples/order-system'), dir, { recursive: true });
    return dir;
  };
  const results = {};
  results.exampleFirst = measure('example: first generation', example, (d) => ['--catalog', join(d, 'catalog.yaml')]);
  results.exampleAgain = measure('example: regenerate (nothing to do)', (i) => join(work, `example-${i}`), (d) => ['--catalog', join(d, 'catalog.yaml')]);
  results.exampleCheck = measure('example: --check', (i) => join(work, `example-${i}`), (d) => ['--catalog', join(d, 'catalog.yaml'), '--check']);

  const big = join(work, 'big-source');
  mkdirSync(big, { recursive: true });
  writeFileSync(join(big, 'catalog.yaml'), syntheticCatalog(MESSAGES));
  const bigDir = (i) => {
    const dir = join(work, `big-${i}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    cpSync(join(big, 'catalog.yaml'), join(dir, 'catalog.yaml'));
    return dir;
  };
  results.bigFirst = measure(`${MESSAGES} messages: first generation`, bigDir, (d) => ['--catalog', join(d, 'catalog.yaml')]);
  results.bigAgain = measure(`${MESSAGES} messages: regenerate (nothing to do)`, (i) => join(work, `big-${i}`), (d) => ['--catalog', join(d, 'catalog.yaml')]);
  results.bigCheck = measure(`${MESSAGES} messages: --check`, (i) => join(work, `big-${i}`), (d) => ['--catalog', join(d, 'catalog.yaml'), '--check']);

  const verdict = (ok) => (ok ? 'ok' : 'MISSED');
  console.log('');
  console.log(`target example < 1.5 s: ${verdict(results.exampleFirst.ms < 1500)} (${(results.exampleFirst.ms / 1000).toFixed(2)} s)`);
  if (MESSAGES === 1000) {
    console.log(`target 1,000 messages < 5.4 s: ${verdict(results.bigFirst.ms < 5400)} (${(results.bigFirst.ms / 1000).toFixed(2)} s)`);
    console.log(`target 1,000 messages < 250 MiB: ${verdict(results.bigFirst.rss < 250)} (${results.bigFirst.rss.toFixed(0)} MiB)`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
