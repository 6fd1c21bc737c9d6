// The chaos run (issue 16): the generated order system as one process per service on PostgreSQL and
// a broker of its own (NATS JetStream or Kafka), orders posted over HTTP while services are
// SIGKILLed and restarted, the order service killed once while the broker is down, and the broker
// itself killed and restarted on the same store. Then it waits until every saga has ended and
// checks the services' tables (checks.ts). bench/chaos.mjs prints its figures; test/e2e/chaos.test.ts
// runs a shorter one on every change.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { dropSchemasAt } from '../pg-schemas.js';
import { portOpen, startOwnBroker, type BrokerKind, type OwnBroker } from './brokers.js';
import { chaosOrders, seeded } from './orders.js';
import { allRight, checkChaos, sagaProgress, schemaQuery, type ChaosCounts } from './checks.js';

export const CHAOS_SERVICES = ['order', 'payment', 'inventory', 'shipping', 'notification'] as const;
type Service = (typeof CHAOS_SERVICES)[number];

export interface ChaosOptions {
  /** A generated order-system project (init + generate). */
  readonly projectDir: string;
  readonly broker: BrokerKind;
  readonly orders: number;
  readonly seed: number;
  readonly databaseUrl: string;
  /** HTTP clients posting at once. Default 16. */
  readonly clients?: number;
  /** A random non-order service is killed about this often while faults run. Default 3000 ms. */
  readonly killEveryMs?: number;
  /** ...and started again after this long. Default 1000 ms. */
  readonly restartAfterMs?: number;
  /** Kills of non-order services in all. Default 7. */
  readonly kills?: number;
  /** When the broker is killed (ms after the first order); the order service is killed during its outage. */
  readonly brokerKillAtMs?: number;
  /** How long the broker stays down. Default 3000 ms. */
  readonly brokerDownMs?: number;
  /** How long to wait for every saga to end after the last fault. Default 10 min. */
  readonly drainTimeoutMs?: number;
  /** Extra environment of the services. */
  readonly env?: Readonly<Record<string, string>>;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
  /** Keep the schemas and logs (debugging). */
  readonly keep?: boolean;
}

export interface ChaosResult {
  readonly counts: ChaosCounts;
  readonly placed: number;
  readonly ok: boolean;
  readonly kills: number;
  readonly brokerRestarts: number;
  /** Longest time from a service's restart to it saying it started (ms). */
  readonly longestRecoveryMs: number;
  /** From the last fault (restart) to every saga ended (ms). */
  readonly drainMs: number;
  readonly placingMs: number;
  readonly totalMs: number;
  /** Occurrences in the services' logs of what the issue saw go wrong. */
  readonly logs: Readonly<Record<string, number>>;
  /** Service processes that exited without being killed (e.g. could not start), by service. */
  readonly exitedOnTheirOwn: Readonly<Record<string, number>>;
  /** Saga history: deadlines that fired. */
  readonly timeouts: number;
  readonly resends: number;
  readonly logDir: string;
}

interface Running {
  child: ChildProcess;
  startedAt: number;
  /** Set once the process logged "service started". */
  upAt: number | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePortPair(random: () => number): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(random() * 20000);
    if (!(await portOpen(port)) && !(await portOpen(port + 1))) return port;
  }
}

/** Log lines counted in the result: each names a failure the issue saw. */
const LOG_SIGNS: Readonly<Record<string, RegExp>> = {
  deadlocks: /deadlock detected/,
  handlerRetries: /handler failed; will retry/,
  deadLettered: /message dead-lettered/,
  couldNotStart: /the system could not start/,
  waitingForInfra: /waiting for (the broker|the database|PostgreSQL|NATS|Kafka)|not ready/,
};

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  const random = seeded(options.seed ^ 0x5eed);
  const id = randomBytes(3).toString('hex');
  const schemaPrefix = `chaos_${id}_`;
  const topicPrefix = `chaos-${id}-`;
  const logDir = mkdtempSync(join(tmpdir(), `edasaga-chaos-${id}-`));
  const began = Date.now();
  const brokerPort = await freePortPair(random);
  const httpPort = await freePortPair(random);
  log(`broker: own ${options.broker} on port ${brokerPort}; logs in ${logDir}`);
  const broker: OwnBroker = await startOwnBroker(options.broker, brokerPort);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    EDASAGA_SCHEMA_PREFIX: schemaPrefix,
    EDASAGA_TOPIC_PREFIX: topicPrefix,
    EDASAGA_TRANSPORT: options.broker,
    ...(options.broker === 'nats' ? { NATS_URL: broker.url } : { KAFKA_BROKERS: broker.url }),
    PORT: String(httpPort),
    PG_POOL_SIZE: '4',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const logs = new Map<Service | 'migrate', WriteStream>();
  const running = new Map<Service, Running>();
  const recoveries: number[] = [];
  const exitedOnTheirOwn: Record<string, number> = {};
  const spawnNode = (name: Service | 'migrate', script: string): ChildProcess => {
    let out = logs.get(name);
    if (out === undefined) logs.set(name, (out = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' })));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: options.projectDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(out, { end: false });
    child.stderr?.pipe(out, { end: false });
    return child;
  };
  const startService = (service: Service, restart: boolean): void => {
    const child = spawnNode(service, `src/generated/mains/${service}.ts`);
    const entry: Running = { child, startedAt: Date.now(), upAt: undefined };
    running.set(service, entry);
    child.once('exit', () => {
      // Killed ones were taken out of `running` first; anything else died by itself.
      if (running.get(service) === entry) {
        running.delete(service);
        exitedOnTheirOwn[service] = (exitedOnTheirOwn[service] ?? 0) + 1;
        log(`${service} exited by itself (${entry.child.exitCode ?? entry.child.signalCode}); nothing restarts it`);
      }
    });
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      if (entry.upAt !== undefined) return;
      buffer = (buffer + chunk.toString()).slice(-4000);
      if (buffer.includes('"service started"')) {
        entry.upAt = Date.now();
        if (restart) recoveries.push(entry.upAt - entry.startedAt);
      }
    });
  };
  const kill = async (service: Service): Promise<void> => {
    const entry = running.get(service);
    if (entry === undefined) return;
    running.delete(service);
    if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
    const exited = new Promise((r) => entry.child.once('exit', r));
    entry.child.kill('SIGKILL');
    await exited;
  };
  const query = schemaQuery(options.databaseUrl, schemaPrefix);
  let kills = 0;
  let brokerRestarts = 0;
  let lastFaultAt = Date.now();
  let placed = 0;
  let placingMs = 0;
  try {
    const migrate = spawnNode('migrate', 'src/generated/migrate.ts');
    const code = await new Promise<number | null>((r) => migrate.once('exit', r));
    if (code !== 0) throw new Error(`migrations failed (exit ${code}); see ${logDir}/migrate.log`);
    for (const service of CHAOS_SERVICES) startService(service, false);
    const base = `http://127.0.0.1:${httpPort}`;
    const deadline = Date.now() + 120_000;
    while (![...running.values()].every((entry) => entry.upAt !== undefined) || !(await fetch(`${base}/health`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline) throw new Error(`the services did not start in 2 min; see ${logDir}`);
      await sleep(100);
    }
    log(`services up in ${Date.now() - began} ms; placing ${options.orders} orders`);

    const orders = chaosOrders(options.orders, options.seed, id);
    const placeStart = Date.now();
    let next = 0;
    const post = async (body: unknown): Promise<void> => {
      // Refused while the order service is down or restarting: try again, as a client would.
      for (let attempt = 0; ; attempt++) {
        try {
          const response = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
          if (response.status === 202) return;
          if (response.status < 500) throw new Error(`POST /orders: ${response.status} ${await response.text()}`);
        } catch (error) {
          if ((error as Error).message.startsWith('POST /orders')) throw error;
        }
        if (attempt > 600) throw new Error('POST /orders kept failing for minutes');
        await sleep(200);
      }
    };
    const posting = Promise.all(
      Array.from({ length: options.clients ?? 16 }, async () => {
        while (next < orders.length) {
          const order = orders[next++]!;
          await post(order.body);
          placed += 1;
        }
      }),
    ).then(() => {
      placingMs = Date.now() - placeStart;
      log(`placed ${placed} orders in ${placingMs} ms`);
    });

    // Faults, while the orders flow.
    const killEvery = options.killEveryMs ?? 3000;
    const restartAfter = options.restartAfterMs ?? 1000;
    const brokerKillAt = options.brokerKillAtMs ?? Math.round(killEvery * 1.5);
    const brokerDown = options.brokerDownMs ?? 3000;
    const victims: readonly Service[] = CHAOS_SERVICES.filter((s) => s !== 'order');
    const restarting: Promise<void>[] = [];
    const faults = (async () => {
      let brokerDone = false;
      const totalKills = options.kills ?? 7;
      while (kills < totalKills || !brokerDone) {
        const now = Date.now() - placeStart;
        if (!brokerDone && now >= brokerKillAt) {
          brokerDone = true;
          log(`+${now} ms: broker killed`);
          await broker.kill();
          // The order service dies during the outage and has to come back while the broker is away.
          await sleep(Math.min(500, brokerDown / 4));
          await kill('order');
          await sleep(Math.min(1000, brokerDown / 3));
          startService('order', true);
          await sleep(Math.max(0, brokerDown - 1500));
          await broker.start();
          brokerRestarts += 1;
          lastFaultAt = Date.now();
          log(`+${Date.now() - placeStart} ms: broker back (the order service was restarted while it was down)`);
          continue;
        }
        if (kills < totalKills) {
          const victim = victims[Math.floor(random() * victims.length)]!;
          await kill(victim);
          kills += 1;
          log(`+${Date.now() - placeStart} ms: ${victim} killed (${kills}/${totalKills})`);
          restarting.push(
            sleep(restartAfter).then(() => {
              startService(victim, true);
              lastFaultAt = Date.now();
            }),
          );
        }
        await sleep(killEvery * (0.67 + random() * 0.66));
      }
      await Promise.all(restarting);
    })();
    await Promise.all([posting, faults]);
    log(`faults done (${kills} kills, ${brokerRestarts} broker restart); waiting for every saga to end`);

    const drainDeadline = Date.now() + (options.drainTimeoutMs ?? 600_000);
    let progress = await sagaProgress(query);
    let lastReport = 0;
    while (progress.total < placed || progress.terminal < progress.total) {
      if (Date.now() > drainDeadline) break;
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        log(`  ${progress.terminal}/${progress.total} sagas ended`);
      }
      await sleep(250);
      progress = await sagaProgress(query);
    }
    const drainMs = Date.now() - lastFaultAt;
    // The last events (OrderConfirmed/OrderCancelled to notification) may still be on their way.
    const quietDeadline = Date.now() + 30_000;
    let counts = await checkChaos(query, CHAOS_SERVICES);
    while (counts.undispatched > 0 && Date.now() < quietDeadline) {
      await sleep(250);
      counts = await checkChaos(query, CHAOS_SERVICES);
    }
    const [history] = await query(
      'order',
      "SELECT COUNT(*) FILTER (WHERE event = 'timeout') AS timeouts, COUNT(*) FILTER (WHERE event = 'retry') AS resends FROM edasaga_saga_history",
    );
    for (const out of logs.values()) await new Promise((r) => out.write('', r));
    const logText = CHAOS_SERVICES.map((s) => {
      try {
        return readFileSync(join(logDir, `${s}.log`), 'utf8');
      } catch {
        return '';
      }
    }).join('\n');
    const logCounts: Record<string, number> = {};
    for (const [name, sign] of Object.entries(LOG_SIGNS)) logCounts[name] = logText.split('\n').filter((line) => sign.test(line)).length;
    return {
      counts,
      placed,
      ok: allRight(counts, placed) && Object.keys(exitedOnTheirOwn).length === 0,
      kills,
      brokerRestarts,
      longestRecoveryMs: Math.max(0, ...recoveries),
      drainMs,
      placingMs,
      totalMs: Date.now() - began,
      logs: logCounts,
      exitedOnTheirOwn,
      timeouts: Number(history?.['timeouts'] ?? 0),
      resends: Number(history?.['resends'] ?? 0),
      logDir,
    };
  } finally {
    const left = [...running.values()];
    // Taken out first, so that their exits are not counted as deaths.
    running.clear();
    await Promise.all(left.map(async (entry) => {
      if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
      const exited = new Promise((r) => entry.child.once('exit', r));
      entry.child.kill('SIGTERM');
      const force = setTimeout(() => entry.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    }));
    await query.close();
    for (const out of logs.values()) out.end();
    await broker.dispose().catch(() => undefined);
    if (options.keep !== true) {
      await dropSchemasAt(options.databaseUrl, schemaPrefix).catch(() => undefined);
    }
  }
}


/** The one line the bench prints per run. */
export function summaryLine(result: ChaosResult, broker: BrokerKind): string {
  const c = result.counts;
  return [
    `${broker}: ${c.terminal}/${c.orders} terminal (placed ${result.placed})`,
    `wrong ${c.wrong}`,
    `double charges ${c.doubleCharges}`,
    `charged-not-refunded ${c.chargedNotRefunded}`,
    `reservations wrong ${c.reservationsWrong}`,
    `shipments wrong ${c.shipmentsWrong}`,
    `stock drift ${c.stockDrift}`,
    `dead letters ${c.deadLetters}`,
    `kills ${result.kills} + ${result.brokerRestarts} broker restart`,
    `longest recovery ${(result.longestRecoveryMs / 1000).toFixed(1)} s`,
    `drain ${(result.drainMs / 1000).toFixed(1)} s after the last fault`,
    `timeouts ${result.timeouts}, resends ${result.resends}`,
    `exited by themselves ${JSON.stringify(result.exitedOnTheirOwn)}`,
    `states ${JSON.stringify(c.states)}`,
    result.ok ? 'OK' : 'FAILED',
  ].join(' | ');
}
