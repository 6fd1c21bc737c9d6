#!/usr/bin/env node
// `edasaga generate` against AsyncAPI's model generator on the same catalog, in one run: the
// synthetic catalog of bench/generate.mjs (1,000 messages), and the same messages as an AsyncAPI
// document (edasaga export asyncapi of that catalog) for `asyncapi generate models typescript`.
// The two run in alternation, each a fresh child process into a fresh folder, so that a busy
// machine slows both alike; printed are the medians and the ratios edasaga / AsyncAPI of wall
// time, CPU (user + sys) and peak memory. Targets (issue 15): wall <= 0.35, CPU <= 0.5 of
// AsyncAPI's, peak memory <= 250 MiB; regenerating with nothing to do <= 1 s.
//
// @asyncapi/cli 4.1.1 (the newest that runs on Node 20) is installed on first use into
// ~/.cache/edasaga/asyncapi-cli-4.1.1 (npm; nothing is added to this project).
//
//   npm run build && node bench/vs-asyncapi.mjs [pairs=3] [messages=1000]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticCatalog } from './synthetic-catalog.mjs';
import { median, timedRun } from './timed-child.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PAIRS = Number(process.argv[2] ?? 3);
const MESSAGES = Number(process.argv[3] ?? 1000);
const CLI_VERSION = '4.1.1';
const cache = join(process.env.EDASAGA_CACHE ?? join(homedir(), '.cache', 'edasaga'), `asyncapi-cli-${CLI_VERSION}`);
const asyncapiBin = join(cache, 'node_modules', '@asyncapi', 'cli', 'bin', 'run');
const edasaga = join(root, 'bin', 'run.js');

if (!existsSync(join(root, 'dist', 'commands', 'generate.js'))) {
  console.error('bench/vs-asyncapi: build first (npm run build)');
  process.exit(2);
}
if (!existsSync(asyncapiBin)) {
  console.log(`installing @asyncapi/cli@${CLI_VERSION} into ${cache} (first use only)`);
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, 'package.json'), JSON.stringify({ name: 'asyncapi-cli-cache', private: true }));
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', `@asyncapi/cli@${CLI_VERSION}`], { cwd: cache, stdio: 'inherit' });
  if (npm.status !== 0 || !existsSync(asyncapiBin)) {
    console.error(`could not install @asyncapi/cli@${CLI_VERSION} (npm exited ${npm.status})`);
    process.exit(2);
  }
}

const work = mkdtempSync(join(tmpdir(), 'edasaga-vs-asyncapi-'));
// No analytics prompt, no update check: the CLI must not wait for a terminal or the network.
const asyncapiEnv = { ...process.env, ASYNCAPI_METRICS: 'false', CI: 'true' };
try {
  console.log(`load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores; ${PAIRS} pair(s), ${MESSAGES} messages`);
  const catalog = join(work, 'catalog.yaml');
  writeFileSync(catalog, syntheticCatalog(MESSAGES));
  const spec = join(work, 'asyncapi.yaml');
  timedRun([process.execPath, edasaga, 'export', 'asyncapi', '--catalog', catalog, '--out', spec], work);
  const ours = [];
  const theirs = [];
  const again = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    const runOurs = () => {
      const out = join(work, `edasaga-${pair}`);
      rmSync(out, { recursive: true, force: true });
      ours.push(timedRun([process.execPath, edasaga, 'generate', '--catalog', catalog, '--out', out], work));
      again.push(timedRun([process.execPath, edasaga, 'generate', '--catalog', catalog, '--out', out], work));
    };
    const runTheirs = () => {
      const out = join(work, `asyncapi-${pair}`);
      rmSync(out, { recursive: true, force: true });
      theirs.push(timedRun([process.execPath, asyncapiBin, 'generate', 'models', 'typescript', spec, '-o', out, '--no-interactive'], work, [0], asyncapiEnv));
    };
    // Alternate which goes first: the first of a pair tends to find the machine quieter.
    if (pair % 2 === 0) {
      runOurs();
      runTheirs();
    } else {
      runTheirs();
      runOurs();
    }
  }
  const row = (label, samples) => {
    const r = { ms: median(samples.map((s) => s.ms)), cpu: median(samples.map((s) => s.cpuMs)), rss: Math.max(...samples.map((s) => s.rssMiB)) };
    console.log(`${label.padEnd(52)} ${(r.ms / 1000).toFixed(2).padStart(6)} s wall  ${(r.cpu / 1000).toFixed(2).padStart(6)} s cpu  peak ${r.rss.toFixed(0).padStart(4)} MiB`);
    return r;
  };
  const a = row('edasaga generate (first generation)', ours);
  const b = row(`asyncapi generate models typescript (${CLI_VERSION})`, theirs);
  const c = row('edasaga generate again (nothing to do)', again);
  console.log(`ratios edasaga / AsyncAPI: wall ${(a.ms / b.ms).toFixed(2)} (target <= 0.35), cpu ${(a.cpu / b.cpu).toFixed(2)} (target <= 0.5); edasaga peak ${a.rss.toFixed(0)} MiB (target <= 250); regenerate ${(c.ms / 1000).toFixed(2)} s (target <= 1 s)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
