// NATS JetStream transport (the `nats` package). One stream per catalog topic (subject = the topic),
// one durable pull consumer per (service group, topic), CloudEvents attributes as message headers
// (binary mode), the ordering key in the `edasaga-key` header.
//
// Per-key order: JetStream redelivers a nak'd message while later ones keep flowing, which would
// break per-key order if retries were naks. So this transport pulls messages into local per-key
// queues, handles one message per key at a time (different keys concurrently), waits out retry
// delays locally, and keeps the server from redelivering what it holds by sending `working()`
// (progress) acks. A message is acked only after the handler resolved. Naks happen only on close, in
// stream order, so the next member of the group gets them at once. Order per key holds within one
// member; with several members in a group, keys are not pinned to members (see docs/transports.md).
// The nats package is imported lazily, so projects that do not use NATS never load it.
//
// Why one file of ~600 lines: stream and consumer admin (ensure, update, re-create a lost consumer)
// and the pull protocol (fetch, `working()` acks, naks on close) act on the same connection and
// per-subscription state; per-key delivery itself is the shared KeyedDispatcher. Split it when a
// third concern arrives (key-value or object-store use, for instance).
import type { JetStreamClient, JetStreamManager, Msg, MsgHdrs, NatsConnection, Subscription as NatsCoreSubscription } from 'nats';
import {
  deadLetterTopic,
  type SubscribeOptions,
  type Subscription,
  type Transport,
  type TransportMessage,
} from '../transport.js';
import {
  type BrokerDeliveryOptions,
  DEFAULT_ERROR_RETRY_DELAY_MS,
  DEFAULT_MAX_DELIVERIES,
  deadLetterHeaders,
  decide,
  sleep,
} from './broker-delivery.js';
import { KeyedDispatcher, type Pending } from './keyed-dispatcher.js';
import { REPLAY_HEADER } from '../store/outbox.js';
import { NATS_DEFAULT_ACK_WAIT_MS } from './redelivery-bounds.js';

export interface NatsTransportOptions extends BrokerDeliveryOptions {
  /** Server URL(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | readonly string[];
  /** Connection name shown by the server's monitoring. */
  readonly name?: string;
  /**
   * How long the server waits for an ack before redelivering: how long the messages a member held
   * wait when it dies. Default 10 000 ms, well below the sagas' step timeouts (progress acks keep
   * what a live member holds, however long it waits). See NATS_REDELIVERY_MS.
   */
  readonly ackWaitMs?: number;
  /**
   * Unacknowledged messages one group may hold per topic (the server's max_ack_pending). Default
   * 1000: members hold `prefetch` each, and the messages of members that died stay pending until
   * their ack wait, so a low limit stalls the group after a few crashes.
   */
  readonly maxAckPending?: number;
  /** Messages one member holds (queued or being handled) at most. Default 50. */
  readonly prefetch?: number;
  /** Lifetime of one pull request; closing a subscription waits for the current one. Default 1000 ms. */
  readonly pullExpiresMs?: number;
  /** Called when pulling fails (server away, consumer deleted); the pull is tried again. */
  readonly onPullError?: (error: unknown, group: string, topic: string) => void;
  /** How long a stream keeps messages. Default 7 days. */
  readonly maxAgeMs?: number;
  /** Window in which the server drops a republished message with the same CloudEvents id. Default 2 min. */
  readonly duplicateWindowMs?: number;
}

type NatsModule = typeof import('nats');

/** Header carrying the ordering key (NATS messages have no key of their own). */
export const KEY_HEADER = 'edasaga-key';
const INTERNAL_HEADERS = new Set([KEY_HEADER.toLowerCase(), 'nats-msg-id']);

/** Stream names may not contain `.`, `*`, `>` or whitespace: other characters become `_`. */
export function natsStreamName(topic: string): string {
  return topic.replace(/[^A-Za-z0-9_-]/g, '_');
}

function durableName(group: string): string {
  return group.replace(/[^A-Za-z0-9_-]/g, '_');
}

function subjectOf(topic: string): string {
  if (!/^[^\s*>.]+(\.[^\s*>.]+)*$/.test(topic)) {
    throw new Error(`topic "${topic}" cannot be a NATS subject (no spaces, "*", ">" or empty "." tokens)`);
  }
  return topic;
}

/** Loads the nats package, connects, and creates the transport. */
export async function createNatsTransport(options: NatsTransportOptions): Promise<NatsTransport> {
  const imported = (await import('nats')) as NatsModule & { default?: NatsModule };
  const nats = imported.default ?? imported;
  const connection = await nats.connect({
    servers: typeof options.servers === 'string' ? options.servers : [...options.servers],
    name: options.name ?? 'edasaga',
    // Keep reconnecting while the server restarts; publishes in the meantime wait or fail.
    maxReconnectAttempts: -1,
    // nats.js otherwise makes an Error (a stack trace) up front for every request and pull, in case
    // it times out: measured as one of the largest items in a service's profile. Timeouts still
    // fail with their message and code, just without the caller's stack.
    noAsyncTraces: true,
  });
  const manager = await connection.jetstreamManager();
  const transport = new NatsTransport(nats, connection, manager, options);
  transport.watchStatus();
  return transport;
}

export class NatsTransport implements Transport {
  readonly name = 'nats';
  private readonly js: JetStreamClient;
  private readonly knownStreams = new Set<string>();
  private readonly subscriptions = new Set<NatsSubscription>();
  private closed = false;
  /** Set while the connection is lost (nats.js reconnects by itself, forever). */
  private lost: string | undefined;

  constructor(
    readonly nats: NatsModule,
    readonly connection: NatsConnection,
    readonly manager: JetStreamManager,
    readonly options: NatsTransportOptions,
  ) {
    this.js = connection.jetstream();
  }

  /** @internal Follows the connection's status, for `problem()`. */
  watchStatus(): void {
    void (async () => {
      for await (const status of this.connection.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnecting') this.lost ??= `disconnected from NATS (${String(status.data)}); reconnecting`;
        else if (status.type === 'reconnect') this.lost = undefined;
      }
    })().catch(() => undefined);
  }

  problem(): string | undefined {
    if (this.closed || this.connection.isClosed()) return 'the NATS connection is closed';
    return this.lost;
  }

  async backlog(group: string, topic: string): Promise<number | undefined> {
    try {
      const info = await this.manager.consumers.info(natsStreamName(topic), durableName(group));
      return info.num_pending + info.num_ack_pending;
    } catch {
      return undefined; // away, or no such consumer (yet): nothing known
    }
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    await this.ensureStreams(topics.flatMap((topic) => [topic, deadLetterTopic(topic)]));
  }

  async publish(messages: readonly TransportMessage[]): Promise<void> {
    if (this.closed) throw new Error('nats transport is closed');
    // One connection delivers in call order, so starting every publish at once keeps publish order
    // in the stream while the acknowledgements come back together.
    await Promise.all(messages.map((message) => this.publishOne(message.topic, message.key, message.headers, message.body)));
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new Error('nats transport is closed');
    await this.ensureStreams(options.topics);
    const subscription = new NatsSubscription(this, options);
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      await subscription.close();
      throw error;
    }
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    await this.connection.drain().catch(() => undefined);
  }

  /** @internal */
  async publishOne(topic: string, key: string, headers: Readonly<Record<string, string>>, body: string, msgID?: string): Promise<void> {
    const natsHeaders = this.nats.headers();
    for (const [name, value] of Object.entries(headers)) natsHeaders.set(name, value);
    natsHeaders.set(KEY_HEADER, key);
    // JetStream drops a message id it saw within its duplicate window: a replayed dead letter keeps
    // its CloudEvents id (for the inboxes) but is a new publish to the broker.
    const replayed = headers[REPLAY_HEADER];
    const id = msgID ?? (replayed === undefined || headers['ce_id'] === undefined ? headers['ce_id'] : `${headers['ce_id']}@${replayed}`);
    await this.js.publish(subjectOf(topic), new TextEncoder().encode(body), {
      headers: natsHeaders,
      ...(id === undefined ? {} : { msgID: id }),
    });
  }

  /** @internal */
  async publishDeadLetter(message: TransportMessage, group: string, attempts: number, reason: string): Promise<void> {
    const topic = deadLetterTopic(message.topic);
    await this.ensureStreams([topic]);
    const id = message.headers['ce_id'];
    await this.publishOne(
      topic,
      message.key,
      deadLetterHeaders(message, group, attempts, reason),
      message.body,
      id === undefined ? undefined : `dead-letter:${group}:${id}`,
    );
  }

  /** @internal */
  forget(subscription: NatsSubscription): void {
    this.subscriptions.delete(subscription);
  }

  /** @internal Creates the streams not known to exist yet; safe to repeat and to race. */
  async ensureStreams(topics: readonly string[]): Promise<void> {
    for (const topic of new Set(topics)) {
      if (this.knownStreams.has(topic)) continue;
      const name = natsStreamName(topic);
      const nanos = this.nats.nanos;
      try {
        await this.manager.streams.add({
          name,
          subjects: [subjectOf(topic)],
          storage: this.nats.StorageType.File,
          retention: this.nats.RetentionPolicy.Limits,
          max_age: nanos(this.options.maxAgeMs ?? 7 * 24 * 3600_000),
          duplicate_window: nanos(this.options.duplicateWindowMs ?? 120_000),
        });
      } catch (error) {
        // Already there (perhaps with other limits set by an operator): use it as it is.
        const info = await this.manager.streams.info(name).catch(() => undefined);
        if (info === undefined || !info.config.subjects.includes(topic)) throw error;
      }
      this.knownStreams.add(topic);
    }
  }
}

/**
 * A message as a pull delivered it. Acks are messages to its reply subject, which also says its
 * stream sequence and delivery count (the JetStream wire protocol, ADR-15).
 */
export interface Pulled {
  readonly msg: Msg;
  readonly reply: string;
  readonly seq: number;
  readonly deliveryCount: number;
}

/** What a pull request asked for, and whether the server has ended it. */
interface PullRequest {
  readonly batch: number;
  received: number;
  /** Set by a status after which pulling again at once would not help (see `arrived`). */
  failure: Error | undefined;
  readonly ended: { promise: Promise<void>; resolve: () => void };
}

const ACK = '+ACK';
const NAK = '-NAK';
const WORKING = '+WPI';
const DEFAULT_ACK_WAIT_MS = NATS_DEFAULT_ACK_WAIT_MS;
const DEFAULT_MAX_ACK_PENDING = 1000;
/** How long a message a dead member held waits before another member gets it (the default ack wait). */
export const NATS_REDELIVERY_MS = DEFAULT_ACK_WAIT_MS;
/** JetStream's error code for "consumer not found". */
const CONSUMER_NOT_FOUND = 10014;
/** How long after its expiry a pull is given up on when the server's closing status never came. */
const PULL_END_GRACE_MS = 2000;

/** The transport's handle on a message it holds (its Pending's attempt starts at the server's count). */
interface Held {
  /** The latest delivery of the message: acks go to it. */
  msg: Pulled;
  readonly id: string;
}

class NatsSubscription implements Subscription {
  private readonly abort = new AbortController();
  private readonly pulls: Promise<void>[] = [];
  /** Resolved when a held message is settled, to wake a pull loop waiting for room. */
  private room: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly dispatcher: KeyedDispatcher<Held>;
  /** Every message received and not yet acked or nak'd, by topic and stream sequence. */
  private readonly held = new Map<string, Pending<Held>>();
  private keepAlive: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private readonly durable: string;

  constructor(
    private readonly transport: NatsTransport,
    private readonly options: SubscribeOptions,
  ) {
    this.durable = durableName(options.group);
    const config = transport.options;
    const cap = config.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
    this.dispatcher = new KeyedDispatcher<Held>({
      // A message the server has delivered more often than the cap (crash loops) is not handed over again.
      deliver: (pending) =>
        pending.counted > cap
          ? Promise.resolve({ kind: 'dead-letter', reason: `delivery cap reached (${cap} attempts; redelivered ${pending.attempt} times)` })
          : decide(this.options.handle, { message: pending.message, attempt: pending.attempt }, this.options.group, config, pending.counted),
      wait: async (ms) => {
        await sleep(ms, this.abort.signal);
        return !this.abort.signal.aborted;
      },
      settle: async (pending, outcome) => {
        if (outcome.kind === 'dead-letter') {
          try {
            await this.transport.publishDeadLetter(pending.message, this.options.group, pending.attempt, outcome.reason);
          } catch (error) {
            // Not moved yet: keep the message and try again shortly.
            config.onDeadLetterError?.(error, pending.message, this.options.group);
            await sleep(config.errorRetryDelayMs ?? DEFAULT_ERROR_RETRY_DELAY_MS, this.abort.signal);
            return false;
          }
        }
        this.answer(pending.handle.msg, ACK);
        this.held.delete(pending.handle.id);
        this.wake();
        return true;
      },
      stopped: () => this.abort.signal.aborted,
    });
  }

  async start(): Promise<void> {
    const ackWaitMs = this.transport.options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    for (const topic of this.options.topics) {
      await this.ensureConsumer(topic);
      this.pulls.push(this.pull(topic));
    }
    // Progress acks stop the server from redelivering what waits in a local queue or a retry delay.
    this.keepAlive = setInterval(() => {
      for (const held of this.held.values()) this.answer(held.handle.msg, WORKING);
    }, Math.max(200, Math.floor(ackWaitMs / 3)));
  }

  /** Creates the group's durable pull consumer on the topic's stream, or checks (and updates) the one there. */
  private async ensureConsumer(topic: string): Promise<void> {
    const { nats, manager, options: config } = this.transport;
    const stream = natsStreamName(topic);
    const ackWait = nats.nanos(config.ackWaitMs ?? DEFAULT_ACK_WAIT_MS);
    const maxAckPending = config.maxAckPending ?? DEFAULT_MAX_ACK_PENDING;
    try {
      await manager.consumers.add(stream, {
        durable_name: this.durable,
        ack_policy: nats.AckPolicy.Explicit,
        deliver_policy: nats.DeliverPolicy.All,
        ack_wait: ackWait,
        max_ack_pending: maxAckPending,
        // The transport applies the delivery cap itself (a message over it is dead-lettered on
        // arrival): a server-side max_deliver would strand the message in the stream instead.
        max_deliver: -1,
      });
    } catch (error) {
      // Another member created it first; a missing stream or consumer still fails here.
      const info = await manager.consumers.info(stream, this.durable).catch(() => undefined);
      if (info === undefined) throw error;
      if (info.config.deliver_subject) {
        throw new Error(`NATS consumer "${this.durable}" on stream "${stream}" is a push consumer; this transport pulls: delete it or use another group`);
      }
      // Made by an older version (30 s ack wait, 100 pending) or with other settings: both can be
      // changed in place, and a group whose members disagree would redeliver on the shortest.
      if (info.config.ack_wait !== ackWait || info.config.max_ack_pending !== maxAckPending) {
        await manager.consumers.update(stream, this.durable, { ack_wait: ackWait, max_ack_pending: maxAckPending });
      }
    }
  }

  /**
   * After a failed pull: a consumer that is gone (deleted by hand, lost with a server's state) is
   * created again, as a restart of the service would. Like a new group, it delivers the stream
   * from its start; the inbox skips what was handled before. Reported, as it replays the stream.
   */
  private async recreateIfMissing(topic: string): Promise<void> {
    const { manager, options: config } = this.transport;
    const stream = natsStreamName(topic);
    if (this.abort.signal.aborted) return;
    const missing = await manager.consumers.info(stream, this.durable).then(
      () => false,
      (error: unknown) => (error as { api_error?: { err_code?: number } } | null)?.api_error?.err_code === CONSUMER_NOT_FOUND,
    );
    if (!missing || this.abort.signal.aborted) return;
    try {
      await this.ensureConsumer(topic);
      config.onPullError?.(new Error(`NATS consumer "${this.durable}" on stream "${stream}" was gone: created it again (it delivers the stream from its start; the inbox skips what was handled)`), this.options.group, topic);
    } catch (error) {
      config.onPullError?.(error, this.options.group, topic);
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort();
      this.transport.forget(this);
      this.wake();
      // A pull request is not cancelled early: messages the server sent for it would be lost until
      // ack_wait ran out. The loops stop after their current (short) request has expired.
      await Promise.allSettled(this.pulls);
      await this.dispatcher.idle().catch(() => undefined);
      // What is left was not handled: hand it back in stream order so the next member keeps key order.
      const left = [...this.held.values()].sort((a, b) => a.handle.msg.seq - b.handle.msg.seq);
      for (const held of left) this.answer(held.handle.msg, NAK);
      this.held.clear();
      clearInterval(this.keepAlive);
      await this.transport.connection.flush().catch(() => undefined);
    })();
    return this.closing;
  }

  /**
   * Pulls with short-lived requests while there is room; what arrives goes to the key queues.
   * Hand-written over nats.js's `fetch()`, which closes its inbox on a timer of its own 5 % after
   * the request's expiry: when this process stalls past that moment (CPU starvation, a long GC), the
   * messages the server sent for the request before it expired were dropped unread and came back
   * only after ack_wait (seen as 30-second stragglers under load). Here one subscription receives
   * every request of the loop and stays open until the loop ends, so a message is handled whenever
   * it arrives. Each request has a reply subject of its own, which the server's closing status
   * (408 expired, ...) comes on, so a late status ends only its own request; deliveries come with
   * their stream subject and count toward the open request. (`consume()` is no way out: closing
   * it drops what is in transit.)
   */
  private async pull(topic: string): Promise<void> {
    const { connection, options: config } = this.transport;
    // A subscription that broke (e.g. a permissions error closed it) is reported and made again.
    while (!this.abort.signal.aborted && !connection.isClosed()) {
      const broken = await this.pullOnOneSubscription(topic);
      if (broken === undefined || this.abort.signal.aborted || connection.isClosed()) return;
      config.onPullError?.(broken, this.options.group, topic);
      await sleep(config.errorRetryDelayMs ?? DEFAULT_ERROR_RETRY_DELAY_MS, this.abort.signal);
    }
  }

  /** Pulls until closed (undefined) or until the subscription breaks (its error). */
  private async pullOnOneSubscription(topic: string): Promise<Error | undefined> {
    const { connection, nats, options: config } = this.transport;
    const prefetch = config.prefetch ?? 50;
    const expires = Math.max(1000, config.pullExpiresMs ?? 1000);
    const api = `$JS.API.CONSUMER.MSG.NEXT.${natsStreamName(topic)}.${this.durable}`;
    const prefix = nats.createInbox();
    const requests = new Map<string, PullRequest>();
    let open: PullRequest | undefined;
    let broken: Error | undefined;
    let sub: NatsCoreSubscription;
    try {
      sub = connection.subscribe(`${prefix}.*`, {
        callback: (error, msg) => {
          if (error === null) this.arrived(topic, open, requests.get(msg.subject), msg);
          else broken ??= error;
        },
      });
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    // A closed subscription (or connection) ends every request: nothing more can arrive.
    void sub.closed.then(() => {
      for (const request of requests.values()) request.ended.resolve();
    });
    // Node runs due timers before it reads sockets: after a stall, what the server sent may be
    // waiting unread. A PING/PONG round trip first reads everything the server sent before it.
    const readInTransit = (): Promise<void> => (connection.isClosed() ? Promise.resolve() : connection.flush().catch(() => undefined));
    let next = 0;
    try {
      while (!this.abort.signal.aborted && !sub.isClosed()) {
        const free = prefetch - this.held.size;
        if (free <= 0) {
          this.room ??= withResolvers();
          await this.room.promise;
          continue;
        }
        const reply = `${prefix}.${(next += 1)}`;
        const request: PullRequest = { batch: free, received: 0, failure: undefined, ended: withResolvers() };
        requests.set(reply, request);
        open = request;
        // The server's closing status never came (connection trouble): give the request up, but
        // only after reading what is in transit.
        const giveUp = setTimeout(() => void readInTransit().then(request.ended.resolve), expires + PULL_END_GRACE_MS);
        try {
          connection.publish(api, JSON.stringify({ batch: free, expires: nats.nanos(expires) }), { reply });
          await request.ended.promise;
        } catch (error) {
          request.failure ??= error instanceof Error ? error : new Error(String(error));
        } finally {
          clearTimeout(giveUp);
          requests.delete(reply);
          open = undefined;
        }
        if (request.failure !== undefined) {
          if (this.abort.signal.aborted || connection.isClosed()) return undefined;
          config.onPullError?.(request.failure, this.options.group, topic);
          await sleep(config.errorRetryDelayMs ?? DEFAULT_ERROR_RETRY_DELAY_MS, this.abort.signal);
          await this.recreateIfMissing(topic);
        }
      }
      return this.abort.signal.aborted ? undefined : (broken ?? new Error(`NATS pull subscription on ${topic} closed`));
    } finally {
      if (!sub.isClosed()) {
        await readInTransit();
        sub.unsubscribe();
      }
    }
  }

  /**
   * A message on the pull subscription: a delivery (counted toward the open request), or a status
   * that ends the request whose reply subject it came on.
   */
  private arrived(topic: string, open: PullRequest | undefined, addressed: PullRequest | undefined, msg: Msg): void {
    if (msg.reply !== undefined && msg.reply !== '') {
      const pulled = parseAckSubject(msg.reply, msg);
      if (pulled === undefined) {
        this.transport.options.onPullError?.(new Error(`NATS pull on ${topic}: a delivery with an unreadable ack subject ${msg.reply}`), this.options.group, topic);
        return;
      }
      // Also when no request is open here any more: the server sent it, so it is handled, not dropped.
      this.receive(topic, pulled);
      if (open !== undefined && (open.received += 1) >= open.batch) open.ended.resolve();
      return;
    }
    const request = addressed;
    if (request === undefined) return;
    // A status. 100 is a heartbeat (not asked for); 408 the request expired and 404 there was
    // nothing to deliver: the next pull follows at once. Anything else (400 a bad request, 409
    // consumer deleted or push based or a limit exceeded, 503 no stream or consumer answers) will
    // not mend by pulling again at once: it is reported and the pull waits before trying again.
    const code = msg.headers?.code ?? 0;
    if (code === 100) return;
    if (code >= 400 && code !== 408 && code !== 404) {
      request.failure = new Error(`NATS pull on ${topic}: ${code} ${msg.headers?.description || 'no responders'}`);
    }
    request.ended.resolve();
  }

  /** Acknowledges (or naks, or marks in progress) a pulled message; see `settle`. */
  private answer(pulled: Pulled, what: string): void {
    settle(() => this.transport.connection.publish(pulled.reply, what));
  }

  private wake(): void {
    const room = this.room;
    this.room = undefined;
    room?.resolve();
  }

  private receive(topic: string, msg: Pulled): void {
    const id = `${topic}\u0000${msg.seq}`;
    const already = this.held.get(id);
    if (already !== undefined) {
      // The server redelivered something still held here (a progress ack came too late): it is
      // already queued, so only its newest delivery is kept for the ack.
      already.handle.msg = msg;
      return;
    }
    const message = toTransportMessage(topic, msg.msg);
    const held: Pending<Held> = { handle: { msg, id }, message, attempt: msg.deliveryCount, counted: msg.deliveryCount };
    this.held.set(id, held);
    // Arrived while closing: held, not handled; close() naks it with the rest, in stream order.
    if (this.abort.signal.aborted) return;
    this.dispatcher.push(`${topic}\u0000${message.key}`, held);
  }
}

/**
 * Sends an ack/nak/progress. These fail only when the connection is closed, and then the server
 * redelivers after ack_wait anyway: nothing is left to do but not crash the worker.
 */
function settle(send: () => void): void {
  try {
    send();
  } catch {
    // see above
  }
}

function withResolvers(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * The stream sequence and delivery count a JetStream ack subject carries, or undefined for any
 * other reply subject. `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>`,
 * or since nats-server 2.9 with `<domain>.<account hash>` after `$JS.ACK` and a random token at the end.
 */
export function parseAckSubject(reply: string, msg: Msg): Pulled | undefined {
  if (!reply.startsWith('$JS.ACK.')) return undefined;
  const tokens = reply.split('.');
  const at = tokens.length === 9 ? 4 : tokens.length >= 11 ? 6 : -1;
  if (at < 0) return undefined;
  const deliveryCount = Number(tokens[at]);
  const seq = Number(tokens[at + 1]);
  if (!Number.isSafeInteger(deliveryCount) || !Number.isSafeInteger(seq)) return undefined;
  return { msg, reply, seq, deliveryCount };
}

function toTransportMessage(topic: string, msg: Msg): TransportMessage {
  const headers: Record<string, string> = {};
  let key = '';
  const natsHeaders: MsgHdrs | undefined = msg.headers;
  for (const name of natsHeaders?.keys() ?? []) {
    const value = natsHeaders?.get(name) ?? '';
    if (name.toLowerCase() === KEY_HEADER) key = value;
    if (!INTERNAL_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  return { topic, key, headers, body: new TextDecoder().decode(msg.data) };
}
