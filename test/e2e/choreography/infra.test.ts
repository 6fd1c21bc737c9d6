// The choreography template (issue 13) as separate processes: `npm run start:dev` (one process per
// service after `npm run migrate`) on PostgreSQL (one schema per service) and Kafka or NATS
// JetStream, driven through its HTTP API with a batch of orders across the four scenarios, then the
// OrderFlow's invariants checked in every service's schema. Each run uses its own schema and topic
// prefix and drops its schemas, topics and streams afterwards.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, background, describeRun, finalStatuses, freePort, mixedOrders, placeOrders, postgresQuery, projectDir, removeProject, run, waitFor } from '../helpers.js';
import { DATABASE_URL, KAFKA, NATS, available, dropBrokerState, dropSchemas, inCi, npm } from '../infra-env.js';
import { CHOREOGRAPHY_SERVICES, checkChoreography, initChoreography } from './check.js';

const dir = projectDir('choreography-infra');
let generated = false;

beforeAll(async () => {
  if (!available.postgres) {
    if (inCi) throw new Error(`CI: PostgreSQL, Kafka and NATS must all be running (found ${JSON.stringify(available)})`);
    return;
  }
  assertBuilt();
  await initChoreography(dir);
  generated = true;
}, 120_000);
afterAll(() => removeProject(dir));

for (const transport of ['nats', 'kafka'] as const) {
  const up = available.postgres && available[transport];
  describe.skipIf(!up && !inCi)(`choreography as separate processes on PostgreSQL + ${transport}`, () => {
    const id = randomBytes(3).toString('hex');
    const schemaPrefix = `e2e_ch_${transport}_${id}_`;
    const topicPrefix = `e2e-ch-${transport}-${id}-`;
    const env = {
      DATABASE_URL,
      EDASAGA_SCHEMA_PREFIX: schemaPrefix,
      EDASAGA_TOPIC_PREFIX: topicPrefix,
      EDASAGA_TRANSPORT: transport,
      KAFKA_BROKERS: KAFKA,
      NATS_URL: NATS,
      LOG_LEVEL: 'warn',
      PG_POOL_SIZE: '3',
    };

    beforeAll(() => {
      if (!up) throw new Error(`CI: PostgreSQL and ${transport} must be running (found ${JSON.stringify(available)})`);
      if (!generated) throw new Error('the project was not generated');
    });
    afterAll(async () => {
      await dropSchemas(schemaPrefix);
      await dropBrokerState(transport, topicPrefix).catch((error: unknown) => console.warn(`could not clean ${transport}: ${String(error)}`));
    }, 60_000);

    it('20 orders end consistently in every service: one charge each, refunds once, stock released, one analytics row', async () => {
      const migrated = await run(npm, ['run', 'migrate'], { cwd: dir, env, timeoutMs: 60_000 });
      expect(migrated.code, describeRun(migrated)).toBe(0);
      expect(migrated.stdout).toMatch(/order\s+applied .*flow-001-instances/);
      const port = await freePort();
      // What `npm run start:dev` runs (a process per service), started directly so SIGTERM reaches the spawner.
      const system = background(process.execPath, ['src/generated/scripts/start-dev.mjs'], { cwd: dir, env: { ...env, PORT: String(port) } });
      const base = `http://127.0.0.1:${port}`;
      let orders: { id: string; expect: string }[] = [];
      let statuses = new Map<string, string>();
      const query = postgresQuery(DATABASE_URL, schemaPrefix);
      try {
        await waitFor('every process ready', async () => ((await fetch(`${base}/health/ready`)).ok ? true : undefined), 90_000, system.output);
        orders = await placeOrders(base, mixedOrders(20));
        statuses = await finalStatuses(base, orders.map((o) => o.id), 60_000);
        // A compensation can end after the order's terminal event (payment refunds on the event order
        // cancels on), and the listeners may still be reading: wait for the invariants to hold.
        await waitFor('every service to finish', async () => ((await checkChoreography(query)).problems.length === 0 ? true : undefined), 30_000).catch(() => undefined);
      } finally {
        const code = await system.stop(20_000);
        expect(code, system.output().slice(-6000)).toBe(0);
      }
      try {
        for (const order of orders) expect(statuses.get(order.id), order.id).toBe(order.expect);
        const { problems, states, releasedAndRefunded } = await checkChoreography(query, new Map(orders.map((o) => [o.id, o.expect as 'CONFIRMED' | 'CANCELLED'])));
        expect(problems).toEqual([]);
        // Of 20 mixed orders: 5 confirmed, 15 cancelled (5 out of stock, 5 declined, 5 undeliverable
        // after reserving: stock released, then refunded).
        expect(states).toEqual({ COMPLETED: 5, COMPENSATED: 15 });
        expect(releasedAndRefunded).toBe(5);
        const notified = await query('notification', "SELECT COUNT(*) AS n FROM notifications WHERE kind = 'payment-refunded'");
        expect(Number(notified[0]?.['n'])).toBe(10);
        for (const service of CHOREOGRAPHY_SERVICES) expect(Number((await query(service, 'SELECT COUNT(*) AS n FROM edasaga_dead_letters'))[0]?.['n']), service).toBe(0);
      } finally {
        await query.close();
      }
    }, 180_000);
  });
}
