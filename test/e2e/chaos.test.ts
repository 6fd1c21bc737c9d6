// Issue 16 on every change: the generated order system as five processes on PostgreSQL and a broker
// of the test's own, orders over HTTP (several items over three hot SKUs, a fifth designed to fail)
// while services are SIGKILLed and restarted, the order service once while the broker is down, and
// the broker killed and restarted on its store. Every order must end as designed, with nothing
// charged twice, nothing kept for a cancelled order, no stock drift and no dead letter.
// bench/chaos.mjs runs the long version (1,000 orders).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, initAndGenerate, projectDir, removeProject } from './helpers.js';
import { natsServerAvailable, portOpen } from './chaos/brokers.js';
import { runChaos, summaryLine } from './chaos/harness.js';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const DATABASE_URL = process.env['E2E_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const inCi = process.env['CI'] === 'true';
const postgres = await portOpen(Number(/:(\d+)\//.exec(DATABASE_URL)?.[1] ?? 5432));
const kafkaJars = existsSync(join(process.env['EDASAGA_KAFKA_HOME'] ?? join(homedir(), '.cache', 'edasaga', `kafka-${process.env['EDASAGA_KAFKA_VERSION'] ?? '4.4.0'}`), 'libs', '.complete'));
const ready = { nats: postgres && natsServerAvailable(), kafka: postgres && kafkaJars };
for (const [broker, up] of Object.entries(ready)) {
  if (!up && !inCi) console.warn(`skipping the ${broker} chaos run: needs PostgreSQL and ${broker === 'nats' ? '/usr/sbin/nats-server' : "Kafka's jars (bash scripts/kafka.sh start fetches them)"}`);
}

const dir = projectDir('chaos');
beforeAll(async () => {
  if (!ready.nats && !ready.kafka && !inCi) return;
  assertBuilt();
  await initAndGenerate(dir);
}, 120_000);
afterAll(() => removeProject(dir));

const runs = [
  { broker: 'nats' as const, orders: 300, kills: 5 },
  { broker: 'kafka' as const, orders: 200, kills: 4 },
];

for (const run of runs) {
  describe.skipIf(!ready[run.broker] && !inCi)(`chaos on PostgreSQL + ${run.broker}`, () => {
    it(`${run.orders} orders through ${run.kills} kills and a broker restart all end right`, async () => {
      if (!ready[run.broker]) throw new Error(`CI: the ${run.broker} chaos run needs PostgreSQL and its broker's binaries`);
      const lines: string[] = [];
      const result = await runChaos({
        projectDir: dir,
        broker: run.broker,
        orders: run.orders,
        seed: 16,
        databaseUrl: DATABASE_URL,
        kills: run.kills,
        killEveryMs: 2500,
        drainTimeoutMs: 150_000,
        log: (line) => lines.push(line),
      });
      const report = `${summaryLine(result, run.broker)}\n${result.counts.examples.join('\n')}\n${lines.join('\n')}`;
      expect(result.kills, report).toBe(run.kills);
      expect(result.brokerRestarts, report).toBe(1);
      expect(result.exitedOnTheirOwn, report).toEqual({});
      expect(result.counts.orders, report).toBeGreaterThanOrEqual(run.orders);
      expect(result.counts.terminal, report).toBe(result.counts.orders);
      expect(result.counts.wrong, report).toBe(0);
      expect(result.counts.doubleCharges, report).toBe(0);
      expect(result.counts.chargedNotRefunded, report).toBe(0);
      expect(result.counts.reservationsWrong, report).toBe(0);
      expect(result.counts.shipmentsWrong, report).toBe(0);
      expect(result.counts.stockDrift, report).toBe(0);
      expect(result.counts.deadLetters, report).toBe(0);
      expect(result.counts.undispatched, report).toBe(0);
      // Both outcomes were exercised, not only the happy path.
      expect(result.counts.states['COMPLETED'] ?? 0, report).toBeGreaterThan(0);
      expect(result.counts.states['COMPENSATED'] ?? 0, report).toBeGreaterThan(0);
    }, 400_000);
  });
}
