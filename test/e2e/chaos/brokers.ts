// A broker of the chaos run's own, on its own port and store, so that it can be killed and started
// again without touching the machine's (NATS on 4222, Kafka on 9092 stay up for the other tests).
// NATS: a nats-server child with JetStream on a temporary store; Kafka: a second KRaft broker from
// scripts/kafka.sh with its own home (sharing the jars the default one fetched).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../../..');

export type BrokerKind = 'nats' | 'kafka';

export interface OwnBroker {
  readonly kind: BrokerKind;
  /** What the services get as NATS_URL or KAFKA_BROKERS. */
  readonly url: string;
  /** SIGKILL: a crash, with whatever the broker had not written lost as a crash loses it. */
  kill(): Promise<void>;
  /** Starts it again on the same store; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes its store. */
  dispose(): Promise<void>;
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const NATS_SERVER = process.env['NATS_SERVER_BIN'] ?? '/usr/sbin/nats-server';

export function natsServerAvailable(): boolean {
  return existsSync(NATS_SERVER);
}

/** A nats-server with JetStream on `port`, its store in a temporary folder. */
export async function startOwnNats(port: number): Promise<OwnBroker> {
  const store = mkdtempSync(join(tmpdir(), 'edasaga-chaos-nats-'));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const started = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: 'ignore' });
    child = started;
    await until(`nats-server on port ${port}`, async () => {
      if (started.exitCode !== null) throw new Error(`nats-server exited with ${started.exitCode} (port ${port} taken?)`);
      return portOpen(port);
    }, 20_000);
  };
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    kind: 'nats',
    url: `nats://127.0.0.1:${port}`,
    kill,
    start,
    async dispose() {
      await kill();
      rmSync(store, { recursive: true, force: true });
    },
  };
}

/** The jars scripts/kafka.sh fetched for the default broker (fetched now when missing). */
function kafkaLibs(): string {
  const version = process.env['EDASAGA_KAFKA_VERSION'] ?? '4.4.0';
  return join(process.env['EDASAGA_KAFKA_HOME'] ?? join(homedir(), '.cache', 'edasaga', `kafka-${version}`), 'libs');
}

/** A single-node KRaft broker on `port` (controller on `port + 1`) with a temporary home. */
export async function startOwnKafka(port: number): Promise<OwnBroker> {
  const home = mkdtempSync(join(tmpdir(), 'edasaga-chaos-kafka-'));
  const env = {
    ...process.env,
    EDASAGA_KAFKA_HOME: home,
    EDASAGA_KAFKA_LIBS: kafkaLibs(),
    EDASAGA_KAFKA_PORT: String(port),
    EDASAGA_KAFKA_CONTROLLER_PORT: String(port + 1),
  };
  const script = (command: string): void => {
    const result = spawnSync('bash', [join(REPO, 'scripts', 'kafka.sh'), command], { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`scripts/kafka.sh ${command} failed (exit ${result.status}):\n${result.stderr}`);
  };
  const start = async (): Promise<void> => {
    script('start');
    await until(`kafka on port ${port}`, () => portOpen(port), 60_000);
  };
  await start();
  return {
    kind: 'kafka',
    url: `127.0.0.1:${port}`,
    kill: async () => script('kill'),
    start,
    async dispose() {
      script('kill');
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export function startOwnBroker(kind: BrokerKind, port: number): Promise<OwnBroker> {
  return kind === 'nats' ? startOwnNats(port) : startOwnKafka(port);
}
