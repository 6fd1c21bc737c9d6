// The transport contract against a real NATS JetStream server (127.0.0.1:4222).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { Delivery, Transport } from '../../src/runtime/transport.js';
import { createNatsTransport, natsStreamName, parseAckSubject, type NatsTransport, type NatsTransportOptions } from '../../src/runtime/transports/nats.js';
import { dropNatsStreams, NATS_TEST_OPTIONS, NATS_URL as URL } from './brokers.js';
import { skipUnlessReachable } from './broker-reachable.js';
import { message, transportContract, waitFor } from './contract.js';
import { deliveryCapTest } from './delivery-cap.js';

const dataN = (d: Delivery): number => (JSON.parse(d.message.body) as { n: number }).n;

const skip = await skipUnlessReachable(
  'NATS JetStream',
  '127.0.0.1',
  4222,
  'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log',
);

describe('nats ack subjects', () => {
  const msg = {} as Parameters<typeof parseAckSubject>[1];
  it('reads the delivery count and stream sequence of both formats, and nothing else', () => {
    expect(parseAckSubject('$JS.ACK.orders.payment.3.1207.88.1700000000000000000.4', msg)).toMatchObject({ deliveryCount: 3, seq: 1207 });
    expect(parseAckSubject('$JS.ACK.hub.ACCHASH.orders.payment.1.42.40.1700000000000000000.0.xyz', msg)).toMatchObject({ deliveryCount: 1, seq: 42 });
    expect(parseAckSubject('$JS.ACK.hub.ACCHASH.orders.payment.2.43.41.1700000000000000000.0', msg)).toMatchObject({ deliveryCount: 2, seq: 43 });
    expect(parseAckSubject('_INBOX.abc.1', msg)).toBeUndefined();
    expect(parseAckSubject('$JS.ACK.orders.payment.x.1207.88.1.4', msg)).toBeUndefined();
    expect(parseAckSubject('$JS.ACK.too.short', msg)).toBeUndefined();
  });
});

describe.skipIf(skip)('nats transport', () => {
  transportContract({
    name: 'nats',
    create: () => createNatsTransport(NATS_TEST_OPTIONS),
    dropTopics: dropNatsStreams,
    otherKeysFlowDuringRetry: true,
    waitMs: 30_000,
  });
});

describe.skipIf(skip)('nats transport: delivery cap', () => {
  deliveryCapTest((maxDeliveries) => createNatsTransport({ ...NATS_TEST_OPTIONS, maxDeliveries }), dropNatsStreams, 30_000);
});

describe.skipIf(skip)('nats transport: holding and crashing', () => {
  const run = Math.random().toString(36).slice(2, 10);
  const topics: string[] = [];
  const transports: Transport[] = [];
  const open = async (options: Partial<NatsTransportOptions> = {}) => {
    const transport = await createNatsTransport({ ...NATS_TEST_OPTIONS, ...options });
    transports.push(transport);
    return transport;
  };

  let releaseHungHandler = (): void => undefined;

  afterAll(async () => {
    releaseHungHandler();
    await Promise.allSettled(transports.map((t) => t.close()));
    await dropNatsStreams(transports[0]!, topics);
  });

  it('keeps a message through a retry delay longer than ack_wait without a server redelivery', async () => {
    const t = `edasaga-test-${run}-hold`;
    topics.push(t);
    // ack_wait long enough that a stalled process (GC, a busy CI machine) still sends its progress
    // acks in time; the retry delay stays well beyond two of them.
    const transport = (await open({ ackWaitMs: 3000 })) as NatsTransport;
    await transport.ensureTopics([t]);
    const attempts: number[] = [];
    await transport.subscribe({
      group: `${t}-g`,
      topics: [t],
      handle: async (d) => {
        attempts.push(d.attempt);
        return d.attempt === 1 ? { kind: 'retry', delayMs: 7500 } : { kind: 'ack' };
      },
    });
    await transport.publish([message(t, 'k', { n: 1 })]);
    await waitFor('the second attempt', () => attempts.length >= 2, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(attempts).toEqual([1, 2]);
    // Progress acks kept the server from redelivering while the retry delay ran.
    const info = await transport.manager.consumers.info(natsStreamName(t), `${t}-g`);
    expect(info.delivered.consumer_seq, "deliveries the server made").toBe(1);
  });

  /**
   * Stalls this process while another process publishes `body` to `topic` (this one cannot publish
   * then), and for `stallMs` after the publisher has sent it, so the stall covers the moment the
   * publish reaches a pull however slowly the publisher runs. `afterStall` runs as soon as the
   * stall ends, before anything else this process has waiting. Returns when the message was sent.
   */
  async function publishDuringStall(topic: string, body: string, stallMs: number, afterStall?: () => unknown): Promise<{ sentAt: number }> {
    const sent = join(mkdtempSync(join(tmpdir(), 'edasaga-stall-')), 'sent');
    const script = `
      import { connect } from 'nats';
      import { writeFileSync } from 'node:fs';
      const nc = await connect({ servers: ${JSON.stringify(URL)} });
      console.log('ready');
      process.stdin.once('data', async () => {
        nc.publish(${JSON.stringify(topic)}, ${JSON.stringify(body)});
        await nc.flush();
        writeFileSync(${JSON.stringify(sent)}, String(Date.now()));
        await nc.close();
      });`;
    const publisher = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = once(publisher, 'exit');
    const lines = createInterface({ input: publisher.stdout! })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe('ready');
    await new Promise<void>((resolve) => publisher.stdin!.end('go\n', resolve));
    // Stalled (CPU starvation, a long GC): no timer, no socket read, until the end.
    const giveUpAt = Date.now() + 20_000;
    while (!existsSync(sent) && Date.now() < giveUpAt) {
      // waiting for the publisher, still stalled
    }
    const stallEnds = Date.now() + stallMs;
    while (Date.now() < stallEnds) {
      // stalled
    }
    afterStall?.();
    await exited;
    expect(existsSync(sent), 'the publisher sent the message during the stall').toBe(true);
    const sentAt = Number(readFileSync(sent, 'utf8'));
    rmSync(dirname(sent), { recursive: true, force: true });
    return { sentAt };
  }

  it('loses nothing the server sends while this process is stalled past the end of a pull', async () => {
    // A pull lives pullExpiresMs on the server. When this process stalls across that end, the
    // server's messages for the pull wait in the socket; they must still be handled once the
    // process runs again, not dropped and left for a redelivery after ack_wait.
    const t = `edasaga-test-${run}-stall`;
    topics.push(t);
    const transport = await open({ ackWaitMs: 20_000, pullExpiresMs: 1000 });
    await transport.ensureTopics([t]);
    const seen: number[] = [];
    await transport.subscribe({ group: `${t}-g`, topics: [t], handle: async () => (seen.push(Date.now()), { kind: 'ack' }) });
    await transport.publish([message(t, 'k', { n: 0 })]);
    await waitFor('the first message', () => seen.length === 1, 10_000);
    const { sentAt } = await publishDuringStall(t, message(t, 'k', { n: 1 }).body, 1500);
    await waitFor('the message published during the stall', () => seen.length === 2, 8_000);
    expect(seen[1]! - sentAt).toBeLessThan(5_000);
  });

  it('hands on what arrived during a long stall when it closes right after', async () => {
    // Longer than a pull's expiry plus the give-up grace: the request is given up by a timer that
    // runs before the socket is read, and the member closes at once. What the server sent must be
    // read (and nak'd to the next member), not dropped with the subscription.
    const t = `edasaga-test-${run}-stall-close`;
    topics.push(t);
    const group = `${t}-g`;
    const first = await open({ ackWaitMs: 20_000, pullExpiresMs: 1000 });
    await first.ensureTopics([t]);
    const seen: number[] = [];
    const subscription = await first.subscribe({ group, topics: [t], handle: async () => (seen.push(Date.now()), { kind: 'ack' }) });
    await first.publish([message(t, 'k', { n: 0 })]);
    await waitFor('the first message', () => seen.length === 1, 10_000);
    let closed: Promise<void> | undefined;
    await publishDuringStall(t, message(t, 'k', { n: 1 }).body, 4500, () => (closed = subscription.close()));
    await closed;
    const second = await open({ ackWaitMs: 20_000, pullExpiresMs: 1000 });
    await second.subscribe({ group, topics: [t], handle: async () => (seen.push(Date.now()), { kind: 'ack' }) });
    await waitFor('the message published during the stall, by either member', () => seen.length === 2, 8_000);
  });

  it('refuses a group whose durable is a push consumer; a deleted consumer is reported and created again', async () => {
    const t = `edasaga-test-${run}-status`;
    topics.push(t);
    const errors: string[] = [];
    const transport = (await open({ errorRetryDelayMs: 200, onPullError: (error) => void errors.push(String(error)) })) as NatsTransport;
    await transport.ensureTopics([t]);
    await transport.manager.consumers.add(natsStreamName(t), { durable_name: `${t}-push`, deliver_subject: `${t}.pushed`, ack_policy: transport.nats.AckPolicy.Explicit });
    await expect(transport.subscribe({ group: `${t}-push`, topics: [t], handle: async () => ({ kind: 'ack' }) })).rejects.toThrow(/push consumer/);
    const seen: number[] = [];
    await transport.subscribe({ group: `${t}-g`, topics: [t], handle: async (d) => (seen.push(dataN(d)), { kind: 'ack' }) });
    await transport.publish([message(t, 'k', { n: 1 })]);
    await waitFor('the first message', () => seen.length === 1, 10_000);
    await transport.manager.consumers.delete(natsStreamName(t), `${t}-g`);
    await waitFor('the consumer made again', () => errors.some((e) => /was gone: created it again/.test(e)), 10_000);
    await transport.publish([message(t, 'k', { n: 2 })]);
    // The new consumer starts at the stream's start, as a new group would: n = 1 comes again (the
    // services' inbox skips it), then n = 2.
    await waitFor('the message published after the deletion', () => seen.includes(2), 10_000);
    expect(seen).toEqual([1, 1, 2]);
    // Failed pulls were reported, each followed by errorRetryDelayMs (200 ms), not pulled again at once.
    expect(errors.length).toBeLessThanOrEqual(12);
    const info = await transport.manager.consumers.info(natsStreamName(t), `${t}-g`);
    expect(info.config.durable_name).toBe(`${t}-g`);
  });

  it('redelivers what a crashed member held to the next member, counting the delivery', async () => {
    const t = `edasaga-test-${run}-crash`;
    topics.push(t);
    const crashing = (await open({ ackWaitMs: 1000 })) as NatsTransport;
    await crashing.ensureTopics([t]);
    const group = `${t}-g`;
    let reached!: () => void;
    const handlerReached = new Promise<void>((resolve) => (reached = resolve));
    await crashing.subscribe({
      group,
      topics: [t],
      handle: async () => {
        reached();
        // Hangs (the process "dies" mid-handler) until the suite ends.
        return new Promise((resolve) => (releaseHungHandler = () => resolve({ kind: 'ack' })));
      },
    });
    await crashing.publish([message(t, 'k', { n: 1 })]);
    await handlerReached;
    // A crash: the connection goes away without acks or naks.
    await crashing.connection.close();
    const survivor = await open({ ackWaitMs: 1000 });
    const seen: Delivery[] = [];
    await survivor.subscribe({ group, topics: [t], handle: async (d) => (seen.push(d), { kind: 'ack' }) });
    await waitFor('the redelivery', () => seen.length >= 1, 15_000);
    expect(seen[0]?.attempt).toBe(2);
    expect(JSON.parse(seen[0]!.message.body)).toEqual({ n: 1 });
  });
});
