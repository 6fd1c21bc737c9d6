// The real infrastructure the end-to-end tests run on (PostgreSQL, Kafka, NATS): where it is,
// whether it answers (outside CI a missing one skips its tests with a warning; in CI it is a
// failure), and the cleanup of what a run leaves behind (its schemas, topics, groups, streams).
import { createConnection } from 'node:net';
import { dropSchemasAt } from './pg-schemas.js';

export const DATABASE_URL = process.env['E2E_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const KAFKA = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
export const NATS = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
export const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(1000);
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const hostPort = (text: string): [string, number] => {
  const match = /^(?:\w+:\/\/)?([^:/]+):(\d+)/.exec(text);
  return [match?.[1] ?? '127.0.0.1', Number(match?.[2] ?? 0)];
};
export const available = {
  postgres: await reachable(...hostPort(DATABASE_URL.replace(/^postgres(ql)?:\/\/[^@]*@/, ''))),
  kafka: await reachable(...hostPort(KAFKA.split(',')[0]!)),
  nats: await reachable(...hostPort(NATS.split(',')[0]!)),
};
export const inCi = process.env['CI'] === 'true';
for (const [name, up] of Object.entries(available)) {
  if (!up && !inCi) console.warn(`skipping the ${name} end-to-end tests: nothing listens for ${name} (start it; scripts/kafka.sh start for Kafka)`);
}

/** Drops every schema whose name starts with `prefix` (what one run created). */
export const dropSchemas = (prefix: string, databaseUrl: string = DATABASE_URL): Promise<void> => dropSchemasAt(databaseUrl, prefix);

export async function dropBrokerState(transport: 'kafka' | 'nats', topicPrefix: string): Promise<void> {
  if (transport === 'kafka') {
    const { Kafka, logLevel } = await import('kafkajs');
    const admin = new Kafka({ clientId: 'edasaga-e2e-cleanup', brokers: KAFKA.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(topicPrefix));
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  } else {
    const { connect } = await import('nats');
    const connection = await connect({ servers: NATS.split(',') });
    try {
      const manager = await connection.jetstreamManager();
      const names: string[] = [];
      for await (const stream of manager.streams.list()) if (stream.config.name.startsWith(topicPrefix)) names.push(stream.config.name);
      for (const name of names) await manager.streams.delete(name);
    } finally {
      await connection.close();
    }
  }
}

