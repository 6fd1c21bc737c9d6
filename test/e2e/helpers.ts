// Shared by the end-to-end tests: run the real CLI into a fresh directory, run the generated
// project's own commands as child processes, drive its HTTP API, and check the final state of every
// service's database against the invariants of the order flow.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';

export const REPO = resolve(import.meta.dirname, '../..');

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; never throws on a non-zero exit (the test asserts on it). */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took longer than ${options.timeoutMs} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export function describeRun(result: RunResult): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout.slice(-6000)}\n--- stderr ---\n${result.stderr.slice(-6000)}`;
}

/** The CLI must have been built from the current sources (`npm run build`; `npm test` does it). */
export function assertBuilt(): void {
  const built = join(REPO, 'dist', 'commands', 'generate.js');
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests');
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
      const path = join(dir, entry.name);
      return Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }, 0);
  const src = newest(join(REPO, 'src'));
  const dist = newest(join(REPO, 'dist'));
  // A warning, not a failure: `npm test` (and CI) always builds first; a local run with a stale
  // dist/ should say so rather than refuse to run.
  if (src > dist + 1000) console.warn('warning: dist/ is older than src/; the CLI under test may be stale (run `npm run build`)');
}

/**
 * A fresh project directory under the repository's .tmp/ (git-ignored). Placing it inside the
 * repository is deliberate: Node resolves the generated project's dependencies from the
 * repository's node_modules (the same packages its package.json asks for), so the tests need no
 * `npm install`, which would compile better-sqlite3 from source (1-2 min) and need the network.
 * `dependencyProblems` checks that what the generated package.json declares is what gets used.
 */
export function projectDir(label: string): string {
  const dir = join(REPO, '.tmp', `e2e-${label}-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  return dir;
}

export function removeProject(dir: string): void {
  if (process.env['KEEP_E2E'] === '1') return;
  rmSync(dir, { recursive: true, force: true });
}

export async function initAndGenerate(dir: string): Promise<void> {
  const cli = join(REPO, 'bin', 'run.js');
  const init = await run(process.execPath, [cli, 'init', dir], { cwd: REPO, timeoutMs: 60_000 });
  if (init.code !== 0) throw new Error(`edasaga init failed: ${describeRun(init)}`);
  const generate = await run(process.execPath, [cli, 'generate'], { cwd: dir, timeoutMs: 60_000 });
  if (generate.code !== 0) throw new Error(`edasaga generate failed: ${describeRun(generate)}`);
}

// Only the two range forms our template writes (^x.y.z and ~x.y.z): a hand-written check rather
// than a dependency on `semver`, which the repository does not declare.
function satisfies(version: string, range: string): boolean {
  const parse = (v: string) => v.replace(/^[\^~]/, '').split('-')[0]!.split('.').map(Number);
  const [major, minor, patch] = parse(version);
  const [rMajor, rMinor, rPatch] = parse(range);
  if (major === undefined || minor === undefined || patch === undefined || rMajor === undefined || rMinor === undefined || rPatch === undefined) return false;
  const atLeast = major > rMajor || (major === rMajor && (minor > rMinor || (minor === rMinor && patch >= rPatch)));
  if (range.startsWith('~')) return atLeast && major === rMajor && minor === rMinor;
  if (range.startsWith('^')) return atLeast && major === rMajor && (rMajor !== 0 || minor === rMinor);
  return version === range;
}

/** Declared dependencies of the generated project that the resolved (repository) packages do not satisfy. */
export function dependencyProblems(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const problems: string[] = [];
  for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
    const file = join(REPO, 'node_modules', name, 'package.json');
    if (!existsSync(file)) {
      problems.push(`${name}: not installed`);
      continue;
    }
    const version = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (!satisfies(version, range)) problems.push(`${name}: ${range} declared, ${version} resolved`);
  }
  return problems;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
    server.on('error', reject);
  });
}

/** A long-running child (npm start, start:dev) whose output is kept for failure messages. */
export interface Background {
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export function background(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Background {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolvePromise) => child.on('exit', (code) => resolvePromise(code)));
  return {
    child,
    output: () => output,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export async function waitFor<T>(what: string, read: () => Promise<T | undefined>, timeoutMs: number, describeFailure: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await read();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}\n${describeFailure()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- orders through the HTTP API ------------------------------------------------------------------

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const address = { line1: 'Main Street 1', city: 'Berlin', postalCode: '10115', country: 'DE' };

export type Expected = 'CONFIRMED' | 'CANCELLED';

/**
 * In `npm run demo`'s output, the timeline of an order whose shipment failed after payment and
 * reservation: the compensations run in reverse order (stock released, then payment refunded), and
 * only then is OrderCancelled published.
 */
export const UNDONE_IN_REVERSE =
  /inventory\s+InventoryReserved\s+INVENTORY_PENDING -> SHIPPING_PENDING.*\n.*shipping\s+ShipmentFailed\s+SHIPPING_PENDING -> COMPENSATING_INVENTORY\s+\(sent ReleaseInventory.*\n.*inventory\s+InventoryReleased\s+COMPENSATING_INVENTORY -> COMPENSATING_PAYMENT\s+\(sent RefundPayment.*\n.*payment\s+PaymentRefunded\s+COMPENSATING_PAYMENT -> COMPENSATED\s+\(published OrderCancelled\)/;

/** An address outside the template's default SHIP_TO_COUNTRIES: shipping answers ShipmentFailed. */
const undeliverable = { line1: 'McMurdo Station', city: 'Ross Island', postalCode: '96599', country: 'AQ' };

/**
 * A mix of orders, in turn: happy path; out of stock after payment (refund); declined payment; paid
 * and reserved, then no delivery to the address (stock released, then refund). Of `count` orders,
 * ceil(count / 4) are confirmed, and floor(count / 4) of the last kind hold stock before they are cancelled.
 */
export function mixedOrders(count: number): { body: unknown; expect: Expected }[] {
  return Array.from({ length: count }, (_, i) => {
    const quantity = 1 + (Math.floor(i / 4) % 4);
    switch (i % 4) {
      case 0:
        // Two hot SKUs, listed against their lock order: concurrent reservations contend for the rows.
        return { body: { customerId: `c-${i}`, items: [{ sku: 'SKU-3', quantity: 1, unitPrice: eur(500) }, { sku: 'SKU-1', quantity, unitPrice: eur(500) }], total: eur(500 + 500 * quantity), shippingAddress: address }, expect: 'CONFIRMED' as const };
      case 1:
        return { body: { customerId: `c-${i}`, items: [{ sku: 'SKU-2', quantity: 2, unitPrice: eur(500) }, { sku: `OOS-${i}`, quantity: 1, unitPrice: eur(500) }], total: eur(1500) }, expect: 'CANCELLED' as const };
      case 2:
        return { body: { customerId: `c-${i}`, items: [{ sku: 'SKU-3', quantity: 1, unitPrice: eur(900_000) }], total: eur(900_000) }, expect: 'CANCELLED' as const };
      default:
        return { body: { customerId: `c-${i}`, items: [{ sku: 'SKU-2', quantity, unitPrice: eur(700) }], total: eur(700 * quantity), shippingAddress: undeliverable }, expect: 'CANCELLED' as const };
    }
  });
}

export async function placeOrders(baseUrl: string, orders: readonly { body: unknown; expect: Expected }[]): Promise<{ id: string; expect: Expected }[]> {
  return Promise.all(
    orders.map(async (order) => {
      const response = await fetch(`${baseUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order.body) });
      const body = (await response.json()) as { orderId?: string; status?: string };
      if (response.status !== 202 || body.status !== 'PENDING' || typeof body.orderId !== 'string') throw new Error(`POST /orders: ${response.status} ${JSON.stringify(body)}`);
      return { id: body.orderId, expect: order.expect };
    }),
  );
}

export async function finalStatuses(baseUrl: string, ids: readonly string[], timeoutMs: number): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  await waitFor(
    'every order to end',
    async () => {
      for (const id of ids) {
        if (result.has(id)) continue;
        const view = (await (await fetch(`${baseUrl}/orders/${id}`)).json()) as { status: string };
        if (view.status !== 'PENDING') result.set(id, view.status);
      }
      return result.size === ids.length ? true : undefined;
    },
    timeoutMs,
    () => `${ids.length - result.size} order(s) still pending`,
  );
  return result;
}

// ---- final-state checks --------------------------------------------------------------------------

export type Query = (service: string, sql: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

export function sqliteQuery(dataDir: string): Query & { close(): void } {
  const open = new Map<string, Database.Database>();
  const query = async (service: string, sql: string, params: readonly unknown[] = []) => {
    let db = open.get(service);
    if (db === undefined) {
      db = new Database(join(dataDir, `${service}.db`), { readonly: true, fileMustExist: true });
      open.set(service, db);
    }
    return db.prepare(sql).all(...params) as Record<string, unknown>[];
  };
  return Object.assign(query, { close: () => open.forEach((db) => db.close()) });
}

export function postgresQuery(connectionString: string, schemaPrefix: string): Query & { close(): Promise<void> } {
  const clients = new Map<string, Promise<pg.Client>>();
  const clientFor = (service: string): Promise<pg.Client> => {
    let client = clients.get(service);
    if (client === undefined) {
      const c = new pg.Client({ connectionString, options: `-c search_path=${schemaPrefix}${service}` });
      client = c.connect().then(() => c);
      clients.set(service, client);
    }
    return client;
  };
  const query = async (service: string, sql: string, params: readonly unknown[] = []) => {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    return (await (await clientFor(service)).query(text, params as unknown[])).rows as Record<string, unknown>[];
  };
  return Object.assign(query, { close: async () => void (await Promise.all([...clients.values()].map(async (c) => (await c).end()))) });
}

/**
 * The invariants of the order flow, over every order the system knows:
 * every saga is terminal; a confirmed order has exactly one payment, charged, and one reservation,
 * held; a cancelled order has no charged payment left (refunded, or never charged) and no stock
 * held, and one whose stock had been reserved (then released) had been charged and was refunded;
 * stock is conserved; no service has an undispatched outbox row. Returns what is wrong, the counts
 * by final state, and how many cancelled orders had their stock released and payment refunded
 * (so that a test can make sure that path was taken at all).
 */
export async function checkFinalState(query: Query, services: readonly string[]): Promise<{ problems: string[]; states: Record<string, number>; releasedAndRefunded: number }> {
  const problems: string[] = [];
  let releasedAndRefunded = 0;
  const sagas = await query('order', 'SELECT id, state, terminal FROM edasaga_sagas');
  const states: Record<string, number> = {};
  for (const saga of sagas) states[String(saga['state'])] = (states[String(saga['state'])] ?? 0) + 1;
  for (const saga of sagas) {
    const id = String(saga['id']);
    if (Number(saga['terminal']) !== 1) problems.push(`saga ${id} is not terminal (${String(saga['state'])})`);
    const payments = await query('payment', 'SELECT status FROM payments WHERE order_id = ?', [id]);
    const reservations = await query('inventory', 'SELECT status FROM reservations WHERE order_id = ?', [id]);
    if (saga['state'] === 'COMPLETED') {
      if (payments.length !== 1 || payments[0]?.['status'] !== 'CHARGED') problems.push(`confirmed ${id}: payments ${JSON.stringify(payments)}`);
      if (reservations.length !== 1 || reservations[0]?.['status'] !== 'RESERVED') problems.push(`confirmed ${id}: reservations ${JSON.stringify(reservations)}`);
    } else if (saga['state'] === 'COMPENSATED') {
      if (payments.some((p) => p['status'] !== 'REFUNDED')) problems.push(`cancelled ${id}: payment not refunded ${JSON.stringify(payments)}`);
      if (reservations.some((r) => r['status'] !== 'RELEASED')) problems.push(`cancelled ${id}: stock not released ${JSON.stringify(reservations)}`);
      if (reservations.length > 0) {
        // The payment step comes first: stock is only ever reserved for a charged order.
        if (payments.length !== 1 || payments[0]?.['status'] !== 'REFUNDED') problems.push(`cancelled ${id} held stock: payments ${JSON.stringify(payments)}`);
        else if (reservations.length === 1 && reservations[0]?.['status'] === 'RELEASED') releasedAndRefunded += 1;
      }
    } else {
      problems.push(`saga ${id} ended in ${String(saga['state'])}`);
    }
  }
  problems.push(...(await stockAndOutboxProblems(query, services)));
  return { problems, states, releasedAndRefunded };
}

export const SERVICES = ['order', 'payment', 'inventory', 'shipping', 'notification'] as const;

/**
 * The invariants both order templates share: stock is conserved over the three hot SKUs (available
 * plus what reservations hold is the default stock) and no service has an undispatched outbox row.
 */
export async function stockAndOutboxProblems(query: Query, services: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const sku of ['SKU-1', 'SKU-2', 'SKU-3']) {
    const [stock] = await query('inventory', 'SELECT available FROM stock WHERE sku = ?', [sku]);
    const held = await query(
      'inventory',
      "SELECT COALESCE(SUM(i.quantity), 0) AS held FROM reservation_items i JOIN reservations r ON r.reservation_id = i.reservation_id WHERE i.sku = ? AND r.status = 'RESERVED'",
      [sku],
    );
    const available = Number(stock?.['available'] ?? 1_000_000);
    if (available + Number(held[0]?.['held'] ?? 0) !== 1_000_000) problems.push(`stock of ${sku} not conserved: ${available} available, ${String(held[0]?.['held'])} held`);
  }
  for (const service of services) {
    const [row] = await query(service, 'SELECT COUNT(*) AS n FROM edasaga_outbox WHERE dispatched_at IS NULL');
    if (Number(row?.['n']) !== 0) problems.push(`${service}: ${String(row?.['n'])} undispatched outbox row(s)`);
  }
  return problems;
}
