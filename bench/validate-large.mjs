#!/usr/bin/env node
// How `edasaga validate` scales with catalog size: builds synthetic catalogs of N copies of the
// test fixture's eight messages (and the fixture's saga), then times validate on each (median of runs).
// Each size is timed twice: as users run it, and with EDASAGA_CAREFUL_YAML=1 (every file through
// the careful `yaml` parser, as before the fast path existed; see src/loader/fast-parse.ts).
// Usage: npm run build && node bench/validate-large.mjs [--runs 3] [--sizes 10,100,500]

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, sizes: { type: 'string', default: '10,100,500' } } });
const runs = Number(values.runs);
const sizes = values.sizes.split(',').map(Number);
const fixture = join(root, 'test/fixtures/valid');
const base = readFileSync(join(fixture, 'catalog.yaml'), 'utf8');
const [head, rest] = base.split('messages:\n');
const [messages] = rest.split('subscriptions:');
const tmp = mkdtempSync(join(tmpdir(), 'edasaga-bench-'));

const suffix = (i) => String.fromCharCode(65 + (i % 26), 65 + (Math.floor(i / 26) % 26), 65 + (Math.floor(i / 676) % 26));
console.log(`validate on synthetic catalogs, median of ${runs} runs, ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`${'messages'.padStart(8)} ${'size'.padStart(10)} ${'median'.padStart(10)} ${'careful'.padStart(10)}`);
for (const n of sizes) {
  const dir = join(tmp, String(n));
  mkdirSync(join(dir, 'sagas'), { recursive: true });
  // Copy 0 keeps the fixture's names so its saga resolves; the others get a suffix.
  const copies = Array.from({ length: n }, (_, i) => (i === 0 ? messages : messages.replace(/^ {2}(\w+):/gm, (_m, name) => `  ${name}${suffix(i)}:`)));
  writeFileSync(join(dir, 'catalog.yaml'), `${head}messages:\n${copies.join('')}subscriptions:\n  payment: [OrderPlaced]\n`);
  writeFileSync(join(dir, 'sagas/checkout.yaml'), readFileSync(join(fixture, 'sagas/checkout.yaml')));
  const fast = [];
  const careful = [];
  for (let r = 0; r < runs; r++) {
    // Interleaved, so a burst of load elsewhere hits both columns alike.
    fast.push(timeValidate(dir, {}));
    careful.push(timeValidate(dir, { EDASAGA_CAREFUL_YAML: '1' }));
  }
  const kb = statSync(join(dir, 'catalog.yaml')).size / 1024;
  console.log(`${String(n * 8).padStart(8)} ${`${kb.toFixed(0)} KiB`.padStart(10)} ${`${median(fast).toFixed(0)} ms`.padStart(10)} ${`${median(careful).toFixed(0)} ms`.padStart(10)}`);
  if (n === sizes[sizes.length - 1]) await guardsLine(readFileSync(join(dir, 'catalog.yaml'), 'utf8'));
}
rmSync(tmp, { recursive: true, force: true });

/**
 * The part of reading a file that guards against nesting too deep (src/loader/nesting.ts: a scan of
 * the text and a walk of the data, on every file), next to the fast parse itself, in-process on the
 * largest catalog: what the guard costs every `validate`.
 */
async function guardsLine(text) {
  const { fastParse } = await import(join(root, 'dist/loader/fast-parse.js'));
  const { deepestPath, scanNesting } = await import(join(root, 'dist/loader/nesting.js'));
  const parse = [];
  const guard = [];
  for (let r = 0; r < Math.max(runs, 5); r++) {
    let t = performance.now();
    const { value } = fastParse(text);
    parse.push(performance.now() - t);
    t = performance.now();
    // As parse-yaml.ts does: the data is walked only when the text allows nesting that deep.
    if (scanNesting(text).bound > 100) deepestPath(value);
    guard.push(performance.now() - t);
  }
  console.log(`nesting guard on the largest catalog: ${median(guard).toFixed(1)} ms (the fast parse: ${median(parse).toFixed(0)} ms), in-process, median of ${parse.length}`);
}

function timeValidate(dir, env) {
  const t = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [join(root, 'bin/run.js'), 'validate'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (res.status !== 0) {
    console.error(res.stderr);
    process.exit(1);
  }
  return ms;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
