// Shared by the orders-* benches: a generated order-system project made by the real CLI (built),
// placed under the repository's .tmp/ so that it resolves the repository's node_modules, and its
// modules loaded through tsx.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { tsImport } from 'tsx/esm/api';
import { cpus } from 'node:os';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

function node(args, cwd) {
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${r.status})`);
}

/** init + generate into a fresh folder; returns its path and a remover. */
export function generateProject(label) {
  if (!existsSync(join(REPO, 'dist', 'commands', 'generate.js'))) node([join(REPO, 'scripts', 'build.mjs')], REPO);
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const dir = join(REPO, '.tmp', `bench-${label}-${process.pid}-${randomBytes(3).toString('hex')}`);
  node([join(REPO, 'bin', 'run.js'), 'init', dir], REPO);
  node([join(REPO, 'bin', 'run.js'), 'generate'], dir);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function load(dir, path) {
  return tsImport(pathToFileURL(join(dir, path)).href, import.meta.url);
}

export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

const eur = (amount) => ({ amount, currency: 'EUR' });
/**
 * A happy-path order (paid, reserved, shipped, confirmed: the longest path) over three hot SKUs:
 * two of three orders hold one item, the others two or three, listed in varying order, so that
 * concurrent reservations contend for the same stock rows as a shop's bestsellers do.
 */
export const happyOrder = (n) => {
  // Warm-up orders have negative numbers.
  const i = Math.abs(n);
  const skus = ['SKU-1', 'SKU-2', 'SKU-3'];
  const count = i % 3 === 2 ? 2 + (i % 2) : 1;
  const items = Array.from({ length: count }, (_, k) => ({ sku: skus[(i + k * (i % 2 === 0 ? 1 : 2)) % 3], quantity: 1, unitPrice: eur(1000) }));
  return {
    customerId: `bench-${n}`,
    items,
    total: eur(1000 * count),
    shippingAddress: { line1: 'Main Street 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
  };
};

/** Busy CPU time of the whole machine so far (ms, all cores): anything else running counts too. */
export function machineBusyMs() {
  return cpus().reduce((sum, cpu) => sum + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq, 0);
}
