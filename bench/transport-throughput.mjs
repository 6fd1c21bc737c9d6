#!/usr/bin/env node
// Messages per second through each transport: publish N messages (batches of 100, 20 keys) to a
// topic one group is consuming (handler acks at once), then let a second group read the same
// messages as a backlog. Reports the publish rate, the live end-to-end rate (first publish to last
// message handled) and the backlog consume rate (first to last message handled). Loopback brokers
// only; bounded count and time.
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
    drop: async (topic, groups) => {
      const { default: kafkajs } = await import('kafkajs');
      const admin = new kafkajs.Kafka({ brokers: ['127.0.0.1:9092'], logLevel: kafkajs.logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => undefined);
      await admin.deleteGroups(groups).catch(() => undefined);
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

const rate = (n, ms) => Math.round((n / ms) * 1000).toLocaleString('en-US');

/** Resolves when `count` messages were handled; rejects after TIME_LIMIT_MS. */
function counter() {
  let handled = 0;
  let first;
  let allHandled;
  const done = new Promise((resolve) => (allHandled = resolve));
  const handle = async () => {
    first ??= performance.now();
    if (++handled === count) allHandled(performance.now());
    return { kind: 'ack' };
  };
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${handled}/${count} handled in ${TIME_LIMIT_MS} ms`)), TIME_LIMIT_MS)));
  const finished = Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  return { handle, finished, firstAt: () => first };
}

async function publishAll(transport, batch) {
  for (let at = 0; at < batch.length; at += BATCH) await transport.publish(batch.slice(at, at + BATCH));
}

async function bench(name, spec) {
  if (spec.port !== undefined && !(await reachable(spec.port))) {
    console.log(`${name.padEnd(10)} skipped: nothing listens on 127.0.0.1:${spec.port}`);
    return;
  }
  const run = randomUUID().slice(0, 8);
  const topic = `edasaga-bench-${run}`;
  const groups = [`edasaga-bench-${run}-live`, `edasaga-bench-${run}-backlog`];
  const transport = await spec.create();
  try {
    await transport.ensureTopics([topic]);
    // 1. Live: a subscribed group consumes while the messages are being published.
    const live = counter();
    await transport.subscribe({ group: groups[0], topics: [topic], handle: live.handle });
    const batch = messages(topic);
    const start = performance.now();
    await publishAll(transport, batch);
    const published = performance.now();
    const end = await live.finished;
    // 2. Backlog: a new group reads the same messages from the start of the topic (brokers only:
    // the in-process transport forgets what every group has taken).
    let backlogRate = 'n/a';
    if (spec.port !== undefined) {
      const backlog = counter();
      await transport.subscribe({ group: groups[1], topics: [topic], handle: backlog.handle });
      const drained = await backlog.finished;
      backlogRate = rate(count, drained - backlog.firstAt());
    }
    console.log(
      `${name.padEnd(10)} ${count} msgs  publish ${rate(count, published - start).padStart(8)} msg/s  ` +
        `publish+consume ${rate(count, end - start).padStart(8)} msg/s  consume backlog ${backlogRate.padStart(8)} msg/s`,
    );
  } finally {
    await transport.close();
    await spec.drop(topic, groups);
  }
}

console.log(`transport throughput: ${count} messages of ~0.5 KB, ${KEYS} keys, batches of ${BATCH}, node ${process.version}`);
for (const name of selected) {
  const spec = transports[name];
  if (spec === undefined) throw new Error(`unknown transport ${name}`);
  await bench(name, spec);
}
