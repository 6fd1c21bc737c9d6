#!/usr/bin/env node
// npm run quickstart [dir]: the shortest way from a clone to a running order system.
//   1. build edasaga (if dist/ is missing),
//   2. `edasaga init` into ./.tmp/quickstart (or the given dir; an existing one keeps its files),
//   3. `edasaga generate`,
//   4. `npm install` in the new project (a real install, as a user would do it),
//   5. `npm run demo`: orders down the happy and the compensation paths, with their timelines.
// Each step prints what it runs and how long it took; the first failure stops the script.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.argv[2] ?? join(root, '.tmp', 'quickstart'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const shown = relative(process.cwd(), dir) || '.';

function step(title, command, args, options = {}) {
  console.log(`\n==> ${title}\n    $ ${[command, ...args].join(' ')}${options.cwd ? `   (in ${relative(process.cwd(), options.cwd) || '.'})` : ''}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: options.cwd ?? root, env: { ...process.env, ...options.env } });
  if (result.status !== 0) {
    console.error(`\nquickstart: "${title}" failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
    process.exit(1);
  }
  console.log(`    (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

if (!existsSync(join(root, 'dist', 'commands', 'generate.js'))) step('build edasaga', npm, ['run', 'build']);

const cli = join(root, 'bin', 'run.js');
const fresh = !existsSync(dir) || readdirSync(dir).length === 0;
step(`create the project in ${shown}`, process.execPath, [cli, 'init', dir, ...(fresh ? [] : ['--force'])]);
step('generate the code from the catalog and the saga', process.execPath, [cli, 'generate'], { cwd: dir });

// better-sqlite3 compiles from source when no prebuilt binary fits; the local Node headers save a download.
const installEnv = !process.env.npm_config_nodedir && existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {};
step('install its dependencies', npm, ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, env: installEnv });
step('run the demo (every service in one process: SQLite + in-process transport)', npm, ['run', 'demo'], { cwd: dir });

console.log(`\nDone. The project is in ${shown}:`);
console.log(`  cd ${shown} && npm start        # the whole system, HTTP API on http://127.0.0.1:3000/orders`);
console.log(`  cd ${shown} && npm test         # its own tests`);
console.log('  See its README.md for PostgreSQL + Kafka/NATS (npm run start:dev).');
