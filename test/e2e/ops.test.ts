// Issue 12 end to end: what an engineer on call does with the generated order system, on SQLite and
// on PostgreSQL + NATS / Kafka. The system runs in this process (the generated app, imported), the
// real `npm run ops` CLI runs as a child process against the same databases:
//  * a payment handler that rejects dead-letters ProcessPayment; `ops dead-letters` shows it, the
//    handler is fixed (the system restarted without the rejecting one), `ops dead-letters replay`
//    puts it back, and the order completes with one charge;
//  * a participant that is not running leaves the saga stuck; `ops sagas --stuck` shows it; the
//    participant starts and the saga finishes;
//  * GET /metrics moves with the work: the outbox gauge goes up while the relay is stopped and back
//    to 0 once it runs again; the dead letter shows in edasaga_dead_letters.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, describeRun, initAndGenerate, projectDir, removeProject, run, waitFor } from './helpers.js';
import { DATABASE_URL, KAFKA, NATS, available, dropBrokerState, dropSchemas, inCi } from './infra-env.js';

const dir = projectDir('ops');

interface Runtime {
  readonly relay: { start(): Promise<void>; stop(): Promise<void> };
  readonly db: { transaction<T>(fn: (tx: { query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> }) => Promise<T>): Promise<T> };
}
interface System {
  readonly http: { readonly url: string } | undefined;
  readonly transport: unknown;
  service(name: string): Runtime;
  stop(): Promise<void>;
}
interface App {
  startSystem(options: Record<string, unknown>): Promise<System>;
  SERVICE_NAMES: readonly string[];
}
let app: App;

const order = (customerId: string) => ({
  customerId,
  items: [{ sku: 'SKU-1', quantity: 1, unitPrice: { amount: 1200, currency: 'EUR' } }],
  total: { amount: 1200, currency: 'EUR' },
});

async function placeOrder(system: System, customerId: string): Promise<string> {
  const response = await fetch(`${system.http!.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order(customerId)) });
  const body = (await response.json()) as { orderId: string };
  expect(response.status).toBe(202);
  return body.orderId;
}

const statusOf = async (system: System, id: string): Promise<string> => ((await (await fetch(`${system.http!.url}/orders/${id}`)).json()) as { status: string }).status;

async function metric(system: System, line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${system.http!.url}/metrics`)).text();
  const match = text.split('\n').find((l) => line.test(l));
  return match === undefined ? undefined : Number(match.slice(match.lastIndexOf(' ') + 1));
}

function opsCli(env: Record<string, string>) {
  return async (...args: string[]) => {
    const result = await run(process.execPath, ['--import', 'tsx', 'src/generated/ops.ts', ...args], { cwd: dir, env, timeoutMs: 60_000 });
    return { ...result, json: () => JSON.parse(result.stdout) as unknown };
  };
}

beforeAll(async () => {
  assertBuilt();
  await initAndGenerate(dir);
  app = (await tsImport(pathToFileURL(join(dir, 'src', 'generated', 'app', 'index.ts')).href, import.meta.url)) as App;
}, 120_000);
afterAll(() => removeProject(dir));

const rejecting = {
  payment: {
    ProcessPayment: async () => {
      throw new Error('the card processor rejected the request (test)');
    },
  },
};
const fastRetries = { maxAttempts: 2, backoff: { initialMs: 20, multiplier: 2, maxMs: 100 } };

/** Dead letter → ops → fix → replay → completed once; metrics of it along the way. */
async function deadLetterAndReplay(env: Record<string, string>): Promise<void> {
  const ops = opsCli(env);
  const first = await app.startSystem({ env, logger: 'silent', http: { port: 0 }, handlers: rejecting, consumer: fastRetries });
  let id: string;
  let seq: number;
  try {
    id = await placeOrder(first, 'c-dead-letter');
    const dead = await waitFor(
      'the rejected ProcessPayment in ops dead-letters',
      async () => {
        const list = await ops('dead-letters', '--service', 'payment', '--json');
        const parsed = list.code === 0 ? (list.json() as { total: number; deadLetters: { seq: number; type: string; error: string }[] }) : undefined;
        return parsed !== undefined && parsed.total === 1 ? parsed.deadLetters[0] : undefined;
      },
      30_000,
    );
    expect(dead.type).toMatch(/ProcessPayment$/);
    expect(dead.error).toContain('card processor rejected');
    seq = dead.seq;
    expect(await metric(first, /^edasaga_dead_letters\{service="payment"\}/)).toBe(1);
    expect(await metric(first, /^edasaga_messages_handled_total\{service="payment",type="[^"]*ProcessPayment",outcome="dead_letter"\}/)).toBe(1);
    // Without --service the seq is found where it is.
    const shown = await ops('dead-letters', 'show', String(seq));
    expect(shown.code, describeRun(shown)).toBe(0);
    expect(shown.stdout).toMatch(/service:\s+payment/);
    expect(shown.stdout).toContain('"customerId": "c-dead-letter"');
    expect(await statusOf(first, id)).toBe('PENDING');
  } finally {
    await first.stop();
  }

  // The handler is fixed: the same system, with the template's payment handler.
  const fixed = await app.startSystem({ env, logger: 'silent', http: { port: 0 } });
  try {
    const dry = await ops('dead-letters', 'replay', String(seq), '--dry-run');
    expect(dry.code, describeRun(dry)).toBe(0);
    expect(dry.stdout).toContain('would replay 1');
    const replay = await ops('dead-letters', 'replay', String(seq));
    expect(replay.code, describeRun(replay)).toBe(0);
    expect(replay.stdout).toContain('payment: replayed 1 dead letter(s)');
    await waitFor('the replayed order to complete', async () => ((await statusOf(fixed, id)) === 'CONFIRMED' ? true : undefined), 30_000);
    const charges = await fixed.service('payment').db.transaction((tx) => tx.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM payments WHERE order_id = ?', [id]));
    expect(Number(charges[0]!.n)).toBe(1);
    const after = await ops('dead-letters', '--json');
    expect((after.json() as { total: number }).total).toBe(0);
    // Replaying what is no longer there is one line, exit 2, and changes nothing.
    const again = await ops('dead-letters', 'replay', String(seq));
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain(`no dead letter ${seq}`);

    // The outbox gauge follows the relay: up while it is stopped, back to 0 when it runs.
    const relay = fixed.service('order').relay;
    await relay.stop();
    const held = [await placeOrder(fixed, 'c-held-1'), await placeOrder(fixed, 'c-held-2')];
    expect(await metric(fixed, /^edasaga_outbox_pending\{service="order"\}/)).toBeGreaterThanOrEqual(2);
    const outbox = await ops('outbox', '--service', 'order', '--json');
    expect((outbox.json() as { pending: number }[])[0]!.pending).toBeGreaterThanOrEqual(2);
    await relay.start();
    await waitFor('the held orders to complete', async () => ((await Promise.all(held.map((h) => statusOf(fixed, h)))).every((s) => s === 'CONFIRMED') ? true : undefined), 30_000);
    await waitFor('the order outbox to drain', async () => ((await metric(fixed, /^edasaga_outbox_pending\{service="order"\}/)) === 0 ? true : undefined), 10_000);
  } finally {
    await fixed.stop();
  }
}

/** A participant that is not running: ops shows the saga stuck; it finishes once inventory runs. */
async function stuckUntilParticipantStarts(env: Record<string, string>): Promise<void> {
  const ops = opsCli(env);
  const withoutInventory = app.SERVICE_NAMES.filter((name) => name !== 'inventory');
  const system = await app.startSystem({ env, logger: 'silent', http: { port: 0 }, services: withoutInventory });
  let inventory: System | undefined;
  try {
    const id = await placeOrder(system, 'c-stuck');
    const stuck = await waitFor(
      'the saga in ops sagas --stuck',
      async () => {
        const list = await ops('sagas', '--stuck', '--older-than', '1s', '--json');
        return list.code === 0 ? (list.json() as { id: string; state: string; step: string }[]).find((saga) => saga.id === id) : undefined;
      },
      30_000,
    );
    expect(stuck.state).toBe('INVENTORY_PENDING');
    expect(stuck.step).toBe('inventory');
    const story = await ops('saga', id);
    expect(story.code, describeRun(story)).toBe(0);
    expect(story.stdout).toMatch(/PAYMENT_PENDING\s+INVENTORY_PENDING\s+reply\s+PaymentCompleted/);
    expect(story.stdout).toMatch(/deadline:\s+timeout at/);
    // The participant starts (same transport: in-process keeps the command for it; a broker too).
    inventory = await app.startSystem({ env, logger: 'silent', http: false, services: ['inventory'], ...(env['EDASAGA_TRANSPORT'] === undefined ? { transport: system.transport } : {}) });
    await waitFor('the stuck order to complete', async () => ((await statusOf(system, id)) === 'CONFIRMED' ? true : undefined), 30_000);
    const none = await ops('sagas', '--stuck', '--older-than', '1s', '--json');
    expect((none.json() as { id: string }[]).some((saga) => saga.id === id)).toBe(false);
  } finally {
    await inventory?.stop();
    await system.stop();
  }
}

describe('ops on the embedded default (SQLite, in-process)', () => {
  const env = () => ({ DATA_DIR: join(dir, `data-${randomBytes(3).toString('hex')}`), LOG_LEVEL: 'warn' });

  it('dead letter: listed, shown, replayed after the fix, completed once; /metrics and the outbox move', async () => {
    await deadLetterAndReplay(env());
  }, 120_000);

  it('a stuck saga: listed while its participant is down, finished once it runs', async () => {
    await stuckUntilParticipantStarts(env());
  }, 90_000);

  it('bad input: one line, exit 2, for an unknown service, command, option or a missing database', async () => {
    const ops = opsCli(env());
    for (const args of [['dead-letters', '--service', 'paymnet'], ['sagaz'], ['outbox', '--verbose'], ['outbox'], ['saga', 'nope'], ['dead-letters', 'purge']]) {
      const result = await ops(...args);
      expect(result.code, `${args.join(' ')}: ${describeRun(result)}`).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await ops('dead-letters', '--service', 'paymnet')).stderr).toContain('did you mean payment?');
    expect((await ops('outbox')).stderr).toContain('cannot be reached');
  }, 90_000);
});

for (const transport of ['nats', 'kafka'] as const) {
  const up = available.postgres && available[transport];
  describe.skipIf(!up && !inCi)(`ops on PostgreSQL + ${transport}`, () => {
    const id = randomBytes(3).toString('hex');
    const schemaPrefix = `e2e_ops_${transport}_${id}_`;
    const topicPrefix = `e2e-ops-${transport}-${id}-`;
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
    });
    afterAll(async () => {
      await dropSchemas(schemaPrefix);
      await dropBrokerState(transport, topicPrefix).catch((error: unknown) => console.warn(`could not clean ${transport}: ${String(error)}`));
    }, 60_000);

    it('dead letter: listed, shown, replayed after the fix, completed once; /metrics and the outbox move', async () => {
      await deadLetterAndReplay(env);
    }, 180_000);

    if (transport === 'nats') {
      it('a stuck saga: listed while its participant is down, finished once it runs', async () => {
        await stuckUntilParticipantStarts(env);
      }, 120_000);
    }
  });
}
