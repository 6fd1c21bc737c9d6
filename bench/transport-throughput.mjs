#!/usr/bin/env node
// Messages per second through each transport: publish N messages (batches of 100, 20 keys), consume
// them in one group (handler acks at once), and report the publish rate and the end-to-end rate
// (first publish to last message handled). Loopback brokers only; bounded count and time.
//
//   node bench/transport-throughput.mjs [count=5000] [transports=in-process,kafka,nats]
//
// Kafka: scripts/kafka.sh start (127.0.0.1:9092). NATS JetStream: 127.0.0.1:4222.
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { tsImport } from 'tsx/esm/api';

const count = Number(process.argv[2] ?? 5000);
const selected = (process.argv[3] ?? 'in-process,kafka,nats').split(',');
const TIME_LIMIT_MS = 120_000;
const BATCH = 100;
const KEYS = 20;

const load = (path) => tsImport(path, import.meta.url);
const { createEnvelope, toBinary } = await load('../src/runtime/envelope.ts');
const { deadLetterTopic } = await load('../src/runtime/transport.ts');

function reachable(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok) => (socket.destroy(), resolve(ok));
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const transports = {
  'in-process': {
    port: undefined,
    create: async () => (await load('../src/runtime/transports/in-process.ts')).createInProcessTransport(),
    drop: async () => undefined,
  },
  kafka: {
    port: 9092,
    create: async () =>
      (await load('../src/runtime/transports/kafka.ts')).createKafkaTransport({
        brokers: ['127.0.0.1:9092'],
        logLevel: 'nothing',
        clientId: 'edasaga-bench',
      }),
    drop: async (topic, group) => {
      const { default: kafkajs } = await import('kafkajs');
      const admin = new kafkajs.Kafka({ brokers: ['127.0.0.1:9092'], logLevel: kafkajs.logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => undefined);
      await admin.deleteGroups([group]).catch(() => undefined);
      await admin.disconnect();
    },
  },
  nats: {
    port: 4222,
    create: async () => (await load('../src/runtime/transports/nats.ts')).createNatsTransport({ servers: 'nats://127.0.0.1:4222', prefetch: 200, maxAckPending: 400 }),
    drop: async (topic) => {
      const { default: nats } = await import('nats');
      const { natsStreamName } = await load('../src/runtime/transports/nats.ts');
      const connection = await nats.connect({ servers: 'nats://127.0.0.1:4222' });
      const manager = await connection.jetstreamManager();
      for (const t of [topic, deadLetterTopic(topic)]) await manager.streams.delete(natsStreamName(t)).catch(() => false);
      await connection.close();
    },
  },
};

function messages(topic) {
  return Array.from({ length: count }, (_, n) => {
    const key = `key-${n % KEYS}`;
    const { headers, body } = toBinary(
      createEnvelope({ source: '/bench', type: 'com.example.bench.Happened', dataversion: 1, subject: key, data: { n, pad: 'x'.repeat(200) } }),
    );
    return { topic, key, headers, body };
  });
}

async function bench(name, spec) {
  if (spec.port !== undefined && !(await reachable(spec.port))) {
    console.log(`${name.padEnd(10)} skipped: nothing listens on 127.0.0.1:${spec.port}`);
    return;
  }
  const run = randomUUID().slice(0, 8);
  const topic = `edasaga-bench-${run}`;
  const group = `edasaga-bench-${run}-g`;
  const transport = await spec.create();
  try {
    await transport.ensureTopics([topic]);
    let handled = 0;
    let allHandled;
    const done = new Promise((resolve) => (allHandled = resolve));
    await transport.subscribe({
      group,
      topics: [topic],
      handle: async () => {
        if (++handled === count) allHandled();
        return { kind: 'ack' };
      },
    });
    const batch = messages(topic);
    const start = performance.now();
    for (let at = 0; at < batch.length; at += BATCH) await transport.publish(batch.slice(at, at + BATCH));
    const published = performance.now();
    let timer;
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${handled}/${count} handled in ${TIME_LIMIT_MS} ms`)), TIME_LIMIT_MS)));
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
    const end = performance.now();
    const rate = (n, ms) => Math.round((n / ms) * 1000).toLocaleString('en-US');
    console.log(
      `${name.padEnd(10)} ${count} msgs  publish ${rate(count, published - start).padStart(8)} msg/s  ` +
        `publish+consume ${rate(count, end - start).padStart(8)} msg/s  (${Math.round(end - start)} ms)`,
    );
  } finally {
    await transport.close();
    await spec.drop(topic, group);
  }
}

console.log(`transport throughput: ${count} messages of ~0.5 KB, ${KEYS} keys, batches of ${BATCH}, node ${process.version}`);
for (const name of selected) {
  const spec = transports[name];
  if (spec === undefined) throw new Error(`unknown transport ${name}`);
  await bench(name, spec);
}
