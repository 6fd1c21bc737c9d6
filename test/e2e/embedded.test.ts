// The product's main promise, end to end on the embedded default: the real CLI (`edasaga init` and
// `generate`, built) writes a project; that project compiles under strict tsc, passes its own
// tests, runs its demo, and runs as `npm start` under a batch of HTTP orders; afterwards every
// service database satisfies the order flow's invariants.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPO,
  SERVICES,
  UNDONE_IN_REVERSE,
  assertBuilt,
  background,
  checkFinalState,
  dependencyProblems,
  describeRun,
  finalStatuses,
  freePort,
  initAndGenerate,
  mixedOrders,
  placeOrders,
  projectDir,
  removeProject,
  run,
  sqliteQuery,
  waitFor,
} from './helpers.js';

const dir = projectDir('embedded');
const scripts = (project: string): Record<string, string> =>
  (JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('generated order system on the embedded default (SQLite, in-process)', () => {
  beforeAll(async () => {
    assertBuilt();
    await initAndGenerate(dir);
  }, 120_000);
  afterAll(() => removeProject(dir));

  it('is up to date right after generating (a second `generate --check` finds nothing to do)', async () => {
    const check = await run(process.execPath, [join(REPO, 'bin', 'run.js'), 'generate', '--check'], { cwd: dir, timeoutMs: 60_000 });
    expect(check.code, describeRun(check)).toBe(0);
  }, 70_000);

  it('declares dependencies that the resolved packages satisfy (better-sqlite3 12, never 13)', () => {
    expect(dependencyProblems(dir)).toEqual([]);
  });

  it('compiles under strict tsc', async () => {
    const result = await run(npm, ['run', 'typecheck'], { cwd: dir, timeoutMs: 180_000 });
    expect(result.code, describeRun(result)).toBe(0);
  }, 200_000);

  it('binds the handlers marked `transactional` as such, and an unmarked override as not', async () => {
    type Parts = { handlers: readonly { type: string; transactional?: boolean }[] };
    const { serviceParts } = (await tsImport(pathToFileURL(join(dir, 'src/generated/app/services.ts')).href, import.meta.url)) as {
      serviceParts(service: string, overrides?: Record<string, Record<string, unknown>>): Parts;
    };
    const marks = (parts: Parts) => parts.handlers.map((h) => `${h.type.split('.').pop()}:${String(h.transactional)}`);
    expect(marks(serviceParts('payment'))).toEqual(['ProcessPayment:true', 'RefundPayment:true']);
    expect(marks(serviceParts('payment', { payment: { ProcessPayment: async () => undefined } }))).toEqual(['ProcessPayment:false', 'RefundPayment:true']);
    for (const service of ['inventory', 'shipping', 'notification']) {
      expect(serviceParts(service).handlers.every((h) => h.transactional === true), service).toBe(true);
    }
  }, 60_000);

  it("passes its own tests (happy path, compensation, duplicate delivery, timeout)", async () => {
    const result = await run(npm, ['test'], { cwd: dir, timeoutMs: 240_000, env: { CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' } });
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(/Tests\s+\d+ passed/);
  }, 260_000);

  it('runs the demo to CONFIRMED and CANCELLED orders with their timelines, leaving consistent databases', async () => {
    const dataDir = join(dir, 'data-demo');
    const result = await run(npm, ['run', 'demo'], { cwd: dir, timeoutMs: 120_000, env: { DATA_DIR: dataDir } });
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toContain('CONFIRMED');
    expect(result.stdout).toContain('CANCELLED');
    expect(result.stdout).toMatch(/payment\s+PaymentRefunded/);
    // The undeliverable order: the stock goes back first, then the money, then OrderCancelled.
    expect(result.stdout).toMatch(UNDONE_IN_REVERSE);
    expect(result.stdout).toContain('Every scenario ended as expected.');
    await expectConsistent(dataDir, { COMPLETED: 1, COMPENSATED: 3 }, 1);
  }, 150_000);

  it('serves the HTTP API from `npm start` and ends every order consistently', async () => {
    // What `npm start` runs, started directly so that SIGTERM reaches the system (npm itself would
    // die of the signal and hide whether the system shut down cleanly).
    expect(scripts(dir)['start']).toBe('tsx src/generated/main.ts');
    await servesOrders(['--import', 'tsx', 'src/generated/main.ts'], 'data-start');
  }, 150_000);

  it('builds to dist/ with `npm run build`, and the built system (plain node, no tsx) serves the same', async () => {
    const build = await run(npm, ['run', 'build'], { cwd: dir, timeoutMs: 180_000 });
    expect(build.code, describeRun(build)).toBe(0);
    expect(build.stdout).toMatch(/built dist\/ \(\d+ JavaScript and JSON files copied/);
    await servesOrders(['dist/generated/main.js'], 'data-built');
  }, 240_000);
});

/** Starts the system in `dir` with `args` (node arguments), drives 60 orders over HTTP, stops it, checks the databases. */
async function servesOrders(args: readonly string[], dataName: string): Promise<void> {
  const dataDir = join(dir, dataName);
  const port = await freePort();
  const server = background(process.execPath, args, { cwd: dir, env: { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' } });
  const base = `http://127.0.0.1:${port}`;
  let orders: { id: string; expect: string }[] = [];
  let statuses = new Map<string, string>();
  try {
    await waitFor('the HTTP API', async () => ((await fetch(`${base}/health`)).ok ? true : undefined), 60_000, server.output);
    const bad = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: 'x', items: [], total: { amount: 1, currency: 'EUR' } }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('items');
    orders = await placeOrders(base, mixedOrders(60));
    statuses = await finalStatuses(base, orders.map((o) => o.id), 60_000);
    const unknown = await fetch(`${base}/orders/00000000-0000-4000-8000-000000000000`);
    expect(unknown.status).toBe(404);
  } finally {
    const code = await server.stop();
    expect(code, server.output()).toBe(0);
  }
  for (const order of orders) expect(statuses.get(order.id), order.id).toBe(order.expect);
  // mixedOrders(60): 15 confirmed; 45 cancelled, of which 15 had stock reserved, then released and refunded.
  await expectConsistent(dataDir, { COMPLETED: 15, COMPENSATED: 45 }, 15);
}

/** Every service's SQLite file in `dataDir` satisfies the order flow's invariants, with these saga end states. */
async function expectConsistent(dataDir: string, expectedStates: Record<string, number>, expectedReleasedAndRefunded: number): Promise<void> {
  const query = sqliteQuery(dataDir);
  try {
    const { problems, states, releasedAndRefunded } = await checkFinalState(query, SERVICES);
    expect(problems).toEqual([]);
    expect(states).toEqual(expectedStates);
    expect(releasedAndRefunded).toBe(expectedReleasedAndRefunded);
  } finally {
    query.close();
  }
}
