#!/usr/bin/env node
// `edasaga check-compat` speed on a synthetic catalog of 1,000 messages x 5 versions (4,000
// adjacent pairs; a quarter of the messages use *_TRANSITIVE or FULL modes, so more pairs than
// that are compared). Payloads look like real events: nested objects, $refs to shared
// definitions, enums, arrays, type unions; each version adds an optional property, and a few
// messages carry a real break so the output path is exercised too.
//
// Reports the wall time of the CLI as a child process (median of N runs; target < 1 s) and,
// in-process, how that splits between loading/validating the catalog and the compatibility check.
// Then large enums: `{enum: [v0 … v(n-1)]}` against the same minus its last value, in-process for
// 2,500 / 5,000 / 10,000 values (CPU per value shows whether the cost is linear) and through the
// CLI (`check-compat --old --new`) for 10,000.
//
//   npm run build && node bench/compat.mjs [runs=5] [messages=1000] [versions=5]
//   npm run build && node bench/compat.mjs --enum [runs=5]       (the enum part only)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENUM_ONLY = process.argv[2] === '--enum';
const argv = ENUM_ONLY ? process.argv.slice(1) : process.argv;
const RUNS = Number(argv[2] ?? 5);
const MESSAGES = Number(argv[3] ?? 1000);
const VERSIONS = Number(argv[4] ?? 5);
const BREAKS = 3;

if (!existsSync(join(root, 'dist/commands/check-compat.js'))) {
  console.error('bench/compat: build first (npm run build): the CLI is timed as users run it');
  process.exit(2);
}

function catalogDoc() {
  const services = {};
  for (let s = 0; s < 20; s++) services[`svc${s}`] = { description: `Service ${s}`, owner: `team-${s}` };
  const definitions = {
    Money: {
      type: 'object',
      required: ['amount', 'currency'],
      additionalProperties: false,
      properties: { amount: { type: 'integer', minimum: 0 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
    },
    Address: {
      type: 'object',
      required: ['line1', 'city', 'country'],
      additionalProperties: false,
      properties: {
        line1: { type: 'string', minLength: 1 },
        city: { type: 'string', minLength: 1 },
        country: { type: 'string', pattern: '^[A-Z]{2}$' },
      },
    },
  };
  definitions.Line = {
    type: 'object',
    required: ['sku', 'qty'],
    additionalProperties: false,
    properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } },
  };
  const modes = ['BACKWARD', 'BACKWARD', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FULL', 'FORWARD', 'FULL_TRANSITIVE', 'BACKWARD', 'NONE', 'BACKWARD'];
  const messages = {};
  for (let m = 0; m < MESSAGES; m++) {
    const base = {
      type: 'object',
      required: ['id', 'at', 'status', 'amount'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', format: 'uuid' },
        at: { type: 'string', format: 'date-time' },
        status: { type: 'string', enum: ['NEW', 'ACTIVE', 'DONE', 'FAILED'] },
        amount: { $ref: '#/definitions/Money' },
        address: { $ref: '#/definitions/Address' },
        lines: { type: 'array', minItems: 1, items: { $ref: '#/definitions/Line' } },
        note: { type: ['string', 'null'], maxLength: 500 },
        attempt: { type: 'integer', minimum: 0, maximum: 100 },
      },
    };
    const mode = modes[m % modes.length];
    // FORWARD/FULL messages keep an open content model: under the (default) instance policy an
    // optional property added to an open model reads both ways, as it would in a real catalog.
    if (mode.startsWith('FULL') || mode.startsWith('FORWARD')) delete base.additionalProperties;
    const versions = {};
    for (let v = 1; v <= VERSIONS; v++) {
      const payload = structuredClone(base);
      for (let k = 2; k <= v; k++) payload.properties[`f${k}`] = k % 2 ? { type: 'integer' } : { oneOf: [{ type: 'string' }, { type: 'null' }] };
      if (m < BREAKS && v === VERSIONS) payload.properties.attempt = { type: 'string' };
      versions[v] = { payload };
    }
    messages[`Message${m}`] = {
      kind: 'event',
      service: `svc${m % 20}`,
      topic: `topic-${m % 50}`,
      key: 'id',
      compatibility: mode,
      versions,
    };
  }
  return { edasaga: 1, catalog: { name: 'bench', namespace: 'com.example.bench' }, services, definitions, messages };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function catalogBench() {
  const dir = mkdtempSync(join(tmpdir(), 'edasaga-bench-compat-'));
  const catalog = join(dir, 'catalog.yaml');
  // Written the way people write catalogs: block style down to each property, whose schema is a
  // one-line flow mapping (`id: { type: string, format: uuid }`, as in examples/order-system).
  function catalogText(doc) {
    const { messages, ...head } = doc;
    const out = [stringify(head).trimEnd(), 'messages:'];
    for (const [name, m] of Object.entries(messages)) {
      out.push(`  ${name}:`, `    kind: ${m.kind}`, `    service: ${m.service}`, `    topic: ${m.topic}`, `    key: ${m.key}`, `    compatibility: ${m.compatibility}`, '    versions:');
      for (const [v, { payload }] of Object.entries(m.versions)) {
        const { properties, ...rest } = payload;
        out.push(`      ${v}:`, '        payload:');
        for (const [k, x] of Object.entries(rest)) out.push(`          ${k}: ${JSON.stringify(x)}`);
        out.push('          properties:');
        for (const [k, x] of Object.entries(properties)) out.push(`            ${k}: ${JSON.stringify(x)}`);
      }
    }
    return out.join('\n') + '\n';
  }
  writeFileSync(catalog, catalogText(catalogDoc()));


  const args = [join(root, 'bin/run.js'), 'check-compat', '--catalog', catalog, '--format', 'json'];
  const walls = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    last = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    walls.push(performance.now() - t);
  }
  if (last.status !== 1) {
    console.error(`bench/compat: expected exit 1 (the ${BREAKS} planted breaks), got ${last.status}\n${last.stderr.slice(0, 2000)}${last.stdout.slice(0, 2000)}`);
    process.exit(1);
  }
  const report = JSON.parse(last.stdout);

  // In-process split (built code): YAML parse alone, the whole load (parse + validation + model),
  // then the compatibility check alone (repeated; median).
  const { loadProject } = await import(pathToFileURL(join(root, 'dist/project/load.js')).href);
  const { parseYamlSource } = await import(pathToFileURL(join(root, 'dist/loader/parse-yaml.js')).href);
  const { checkCatalogVersions, checkAgainstBaseline } = await import(pathToFileURL(join(root, 'dist/compat/catalog.js')).href);
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(catalog, 'utf8');
  let t = performance.now();
  parseYamlSource(catalog, text, 'catalog');
  const parseMs = performance.now() - t;
  t = performance.now();
  const loaded = await loadProject({ catalogPath: catalog });
  const loadMs = performance.now() - t;
  const checks = [];
  let checked;
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    checked = checkCatalogVersions({ project: loaded.project, resolver: loaded.refs, sources: loaded.sources }, { policy: 'instance' });
    checks.push(performance.now() - t);
  }
  // Against a baseline (what CI runs): the same catalog loaded a second time, as `--against` would.
  const base = await loadProject({ catalogPath: catalog });
  const againsts = [];
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    checkAgainstBaseline({ project: base.project, resolver: base.refs, sources: base.sources, label: 'main' }, { project: loaded.project, resolver: loaded.refs, sources: loaded.sources }, { policy: 'instance' });
    againsts.push(performance.now() - t);
  }
  const { cpus, loadavg } = await import('node:os');
  console.log(`check-compat, ${MESSAGES} messages x ${VERSIONS} versions (${report.pairs} schema pairs, ${report.findings.length} findings):`);
  console.log(`  CLI wall (median of ${RUNS}): ${median(walls).toFixed(0)} ms   [runs: ${walls.map((w) => w.toFixed(0)).join(', ')}]   target < 1000 ms`);
  console.log(`  in-process: load+validate ${loadMs.toFixed(0)} ms (of which YAML parse ${parseMs.toFixed(0)} ms), compatibility check ${median(checks).toFixed(0)} ms median of ${RUNS} (${checked.pairs} pairs; runs: ${checks.map((c) => c.toFixed(0)).join(', ')})`);
  console.log(`  against a baseline (immutability, removals, topics, keys): ${median(againsts).toFixed(0)} ms median of ${RUNS} (runs: ${againsts.map((c) => c.toFixed(0)).join(', ')}); with --against the CLI also loads the baseline catalog`);
  console.log(`  catalog ${(text.length / 1048576).toFixed(1)} MiB; machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`  command: node bin/run.js check-compat --catalog ${catalog} --format json`);
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}

/** CPU (user + system) of a child process: it reports its own at exit, on a pipe (synchronous on Linux). */
const CPU_AT_EXIT = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\ncpu-us '+(u.user+u.system)+'\\n')})`;

async function enumBench() {
  const { checkSchemaPair } = await import(pathToFileURL(join(root, 'dist/compat/schemas.js')).href);
  const values = (n) => Array.from({ length: n }, (_, i) => `v${i}`);
  console.log(`check-compat, {enum: [v0 … v(n-1)]} -> the same minus the last value (BACKWARD: ENUM_VALUE_REMOVED), median of ${RUNS}:`);
  for (const n of [2500, 5000, 10000]) {
    const old = { enum: values(n) };
    const neu = { enum: values(n - 1) };
    const walls = [];
    const cpus = [];
    let res;
    for (let i = 0; i < RUNS; i++) {
      const c = process.cpuUsage();
      const t = performance.now();
      res = checkSchemaPair(old, neu, { mode: 'BACKWARD', policy: 'lenient' });
      walls.push(performance.now() - t);
      const d = process.cpuUsage(c);
      cpus.push((d.user + d.system) / 1000);
    }
    if (res.compatible || res.findings.filter((f) => !f.compatible).length !== 1) throw new Error(`bench/compat: expected one ENUM_VALUE_REMOVED for n=${n}`);
    console.log(`  in-process, ${n} values: ${median(walls).toFixed(1)} ms wall, ${median(cpus).toFixed(1)} ms CPU (${((median(cpus) * 1000) / n).toFixed(2)} µs CPU per value)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'edasaga-bench-enum-'));
  const n = 10000;
  writeFileSync(join(dir, 'old.json'), JSON.stringify({ enum: values(n) }));
  writeFileSync(join(dir, 'new.json'), JSON.stringify({ enum: values(n - 1) }));
  const args = ['--import', CPU_AT_EXIT, join(root, 'bin/run.js'), 'check-compat', '--old', 'old.json', '--new', 'new.json', '--format', 'json'];
  const walls = [];
  const cpus = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
    walls.push(performance.now() - t);
    if (r.status !== 1) throw new Error(`bench/compat: expected exit 1, got ${r.status}: ${r.stderr.slice(0, 500)}`);
    cpus.push(Number(/cpu-us (\d+)/.exec(r.stderr)?.[1]) / 1000);
  }
  const { cpus: cores, loadavg } = await import('node:os');
  console.log(`  CLI, ${n} values: ${median(walls).toFixed(0)} ms wall, ${median(cpus).toFixed(0)} ms CPU (median of ${RUNS}; runs: ${walls.map((w) => w.toFixed(0)).join(', ')} ms)`);
  console.log(`  command: node bin/run.js check-compat --old old.json --new new.json --format json (in ${dir}); ${cores().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
}

if (!ENUM_ONLY) await catalogBench();
await enumBench();
