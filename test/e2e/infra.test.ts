// Issue 5 end to end: the generated order system as separate processes (`npm run start:dev`: one
// process per service after `npm run migrate`) on PostgreSQL (one schema per service) and Kafka or
// NATS JetStream, driven through its HTTP API (the demo, unchanged, plus a batch of orders), then the
// final state checked in PostgreSQL as the embedded test does. Every run uses its own schema and
// topic prefix and drops its schemas, topics and streams afterwards.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SERVICES,
  UNDONE_IN_REVERSE,
  assertBuilt,
  background,
  checkFinalState,
  describeRun,
  finalStatuses,
  freePort,
  initAndGenerate,
  mixedOrders,
  placeOrders,
  postgresQuery,
  projectDir,
  removeProject,
  run,
  waitFor,
} from './helpers.js';
import { DATABASE_URL, KAFKA, NATS, available, dropBrokerState, dropSchemas, inCi, npm } from './infra-env.js';

const dir = projectDir('infra');
let generated = false;

describe.skipIf(!available.postgres && !inCi)("the generated project's own tests on PostgreSQL", () => {
  it('pass on SQLite and on throw-away PostgreSQL schemas (TEST_DATABASE_URL)', async () => {
    if (!available.postgres) throw new Error('CI: PostgreSQL must be running');
    if (!generated) throw new Error('the project was not generated');
    const result = await run(npm, ['test', '--', '--reporter=verbose'], { cwd: dir, timeoutMs: 240_000, env: { TEST_DATABASE_URL: DATABASE_URL, NO_COLOR: '1', FORCE_COLOR: '0' } });
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(/OrderSaga on '?PostgreSQL'? > happy path/);
    expect(result.stdout).toMatch(/OrderSaga on '?PostgreSQL'? > compensation: an address we cannot deliver to/);
    expect(result.stdout).toMatch(/OrderSaga step timeout on '?PostgreSQL/);
  }, 260_000);
});

beforeAll(async () => {
  if (!available.postgres) {
    if (inCi) throw new Error(`CI: PostgreSQL, Kafka and NATS must all be running (found ${JSON.stringify(available)})`);
    return;
  }
  assertBuilt();
  await initAndGenerate(dir);
  generated = true;
}, 120_000);
afterAll(() => removeProject(dir));

for (const transport of ['kafka', 'nats'] as const) {
  const up = available.postgres && available[transport];
  describe.skipIf(!up && !inCi)(`separate processes on PostgreSQL + ${transport}`, () => {
    const id = randomBytes(3).toString('hex');
    const schemaPrefix = `e2e_${transport}_${id}_`;
    const topicPrefix = `e2e-${transport}-${id}-`;
    const env = {
      DATABASE_URL,
      EDASAGA_SCHEMA_PREFIX: schemaPrefix,
      EDASAGA_TOPIC_PREFIX: topicPrefix,
      EDASAGA_TRANSPORT: transport,
      KAFKA_BROKERS: KAFKA,
      NATS_URL: NATS,
      LOG_LEVEL: 'warn',
      PG_POOL_SIZE: '4',
    };

    beforeAll(() => {
      if (!up) throw new Error(`CI: PostgreSQL and ${transport} must be running (found ${JSON.stringify(available)})`);
      if (!generated) throw new Error('the project was not generated');
    });
    afterAll(async () => {
      await dropSchemas(schemaPrefix);
      await dropBrokerState(transport, topicPrefix).catch((error: unknown) => console.warn(`could not clean ${transport}: ${String(error)}`));
    }, 60_000);

    it('migrates every service schema, and a second run changes nothing', async () => {
      const first = await run(npm, ['run', 'migrate'], { cwd: dir, env, timeoutMs: 60_000 });
      expect(first.code, describeRun(first)).toBe(0);
      expect(first.stdout).toMatch(/payment\s+applied .*payment-001-payments/);
      const again = await run(npm, ['run', 'migrate'], { cwd: dir, env, timeoutMs: 60_000 });
      expect(again.code, describeRun(again)).toBe(0);
      for (const service of SERVICES) expect(again.stdout).toMatch(new RegExp(`${service}\\s+up to date`));
    }, 130_000);

    it('runs the demo and a batch of orders through the HTTP API, ending consistently in PostgreSQL', async () => {
      const scripts = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
      expect(scripts['start:dev']).toBe('node src/generated/scripts/start-dev.mjs');
      for (const service of SERVICES) expect(scripts[`start:${service}`]).toBe(`tsx src/generated/mains/${service}.ts`);
      // On NATS the services run as deployed: compiled by `npm run build`, plain node (`--built`);
      // on Kafka from the TypeScript sources through tsx, as `npm run start:dev` runs them.
      const built = transport === 'nats';
      if (built) {
        const build = await run(npm, ['run', 'build'], { cwd: dir, timeoutMs: 180_000 });
        expect(build.code, describeRun(build)).toBe(0);
      }
      const port = await freePort();
      // What `npm run start:dev` runs, started directly so that SIGTERM reaches the spawner.
      const system = background(process.execPath, ['src/generated/scripts/start-dev.mjs', ...(built ? ['--built'] : [])], { cwd: dir, env: { ...env, PORT: String(port) } });
      const base = `http://127.0.0.1:${port}`;
      let orders: { id: string; expect: string }[] = [];
      let statuses = new Map<string, string>();
      try {
        await waitFor('the HTTP API of the order process', async () => ((await fetch(`${base}/health`)).ok ? true : undefined), 90_000, system.output);
        expect(system.output()).toContain(built ? 'from dist/ (built)' : 'from src/ through tsx');
        const demo = await run(npm, ['run', 'demo'], { cwd: dir, env: { ...env, API_URL: base, DEMO_TIMEOUT_MS: '60000' }, timeoutMs: 120_000 });
        expect(demo.code, `${describeRun(demo)}\n--- services ---\n${system.output().slice(-4000)}`).toBe(0);
        expect(demo.stdout).toContain(`Driving the system at ${base}`);
        expect(demo.stdout).toMatch(UNDONE_IN_REVERSE);
        expect(demo.stdout).toContain('Every scenario ended as expected.');
        const bad = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: 'x', items: [{ sku: 'A', quantity: 1, unitPrice: { amount: 1, currency: 'euro' } }], total: { amount: 1, currency: 'EUR' } }) });
        expect(bad.status).toBe(400);
        expect(((await bad.json()) as { field: string }).field).toBe('items[0].unitPrice.currency');
        orders = await placeOrders(base, mixedOrders(30));
        statuses = await finalStatuses(base, orders.map((o) => o.id), 90_000);
        // The last events (OrderConfirmed/OrderCancelled to notification) may still be in flight.
        const query = postgresQuery(DATABASE_URL, schemaPrefix);
        try {
          await waitFor('every outbox to drain', async () => ((await checkFinalState(query, SERVICES)).problems.length === 0 ? true : undefined), 30_000);
        } catch {
          /* reported below with the details */
        } finally {
          await query.close();
        }
      } finally {
        const code = await system.stop(20_000);
        expect(code, system.output().slice(-6000)).toBe(0);
      }
      for (const order of orders) expect(statuses.get(order.id), order.id).toBe(order.expect);
      const query = postgresQuery(DATABASE_URL, schemaPrefix);
      try {
        const { problems, states, releasedAndRefunded } = await checkFinalState(query, SERVICES);
        expect(problems).toEqual([]);
        // 4 demo scenarios (1 confirmed, 3 cancelled, 1 of them after reserving stock) + 30 orders
        // (8 confirmed, 22 cancelled, 7 of them after reserving stock).
        expect(states).toEqual({ COMPLETED: 9, COMPENSATED: 25 });
        expect(releasedAndRefunded).toBe(8);
        const notified = await query('notification', "SELECT COUNT(*) AS n FROM notifications WHERE kind = 'order-confirmed'");
        expect(Number(notified[0]?.['n'])).toBe(9);
      } finally {
        await query.close();
      }
    }, 300_000);
  });
}
