// Apache Kafka transport (kafkajs). One Kafka topic per catalog topic; the record key is the
// message's ordering key, so one aggregate's messages share a partition and keep their order; one
// consumer group per service; CloudEvents attributes travel as record headers (binary mode).
//
// Delivery: partitions are consumed one batch at a time (several partitions concurrently). A message
// is handled, and only once the handler has resolved (its transaction committed) is its offset
// resolved and committed. A `retry` waits in the consumer, heartbeating, and hands the message to the
// handler again: the whole partition waits behind it (Kafka orders per partition, not per key). A
// `dead-letter` (or a retry past the delivery cap) copies the message to `<topic>.dlq` and moves on.
// kafkajs is imported lazily, so projects that do not use Kafka never load it.
//
// Why one file of ~480 lines: the group's lifecycle (join, the revive after a crash, close), topic
// admin and the batch handler share the consumer and producer state; per-key delivery itself is the
// shared KeyedDispatcher, whose settle hook keeps the offset watermark.
import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
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
  deadLetterHeaders,
  decide,
  sleep,
  waitWithKeepAlive,
} from './broker-delivery.js';
import { KeyedDispatcher } from './keyed-dispatcher.js';
import { TransientError } from '../faults.js';
import { KAFKA_DEFAULT_HEARTBEAT_INTERVAL_MS, KAFKA_DEFAULT_REBALANCE_TIMEOUT_MS, KAFKA_DEFAULT_SESSION_TIMEOUT_MS } from './redelivery-bounds.js';

export interface KafkaTransportOptions extends BrokerDeliveryOptions {
  /** `host:port` of the bootstrap brokers, e.g. `['127.0.0.1:9092']`. */
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /** Partitions of the topics `ensureTopics` creates. Default 3. */
  readonly partitions?: number;
  /** Partitions one subscription handles at the same time. Default 3. */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Keys of one partition's fetched batch handled at the same time, each key's messages still one
   * after another. Default 1: the partition is handled strictly in offset order, and a retrying
   * message holds every key behind it. Above 1, a retry holds only its own key (and the next batch
   * of the partition, which is fetched once this one is done).
   */
  readonly keysConsumedConcurrently?: number;
  /** A new consumer group starts at the oldest retained message (default) or at the newest. */
  readonly fromBeginning?: boolean;
  /** Consumer group session timeout. Default 10 000 ms (a dead member is noticed after this). */
  readonly sessionTimeoutMs?: number;
  /** How long the group waits for members to rejoin during a rebalance. Default 10 000 ms. */
  readonly rebalanceTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** How long `subscribe` waits for the consumer to join its group. Default 60 000 ms. */
  readonly joinTimeoutMs?: number;
  /** Called when a consumer that kafkajs gave up on is made again, or cannot be (it is tried again). */
  readonly onConsumerError?: (error: unknown, group: string) => void;
  /** kafkajs' own log output. Default `error`. */
  readonly logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
}

type KafkaJs = typeof import('kafkajs');

/** Loads kafkajs and creates the transport (no connection is opened until it is used). */
export async function createKafkaTransport(options: KafkaTransportOptions): Promise<KafkaTransport> {
  const imported = (await import('kafkajs')) as KafkaJs & { default?: KafkaJs };
  return new KafkaTransport(imported.default ?? imported, options);
}

export class KafkaTransport implements Transport {
  readonly name = 'kafka';
  private readonly kafka: Kafka;
  private producer: Promise<Producer> | undefined;
  private readonly subscriptions = new Set<KafkaSubscription>();
  /** Topics known to exist, so dead-lettering checks its topic once per process. */
  private readonly knownTopics = new Set<string>();
  private closed = false;
  /** Connected on the first backlog question and kept (one admin connection per process). */
  private admin: Promise<Admin> | undefined;

  constructor(
    private readonly kafkajs: KafkaJs,
    private readonly options: KafkaTransportOptions,
  ) {
    const levels = kafkajs.logLevel;
    const level = { nothing: levels.NOTHING, error: levels.ERROR, warn: levels.WARN, info: levels.INFO, debug: levels.DEBUG }[
      options.logLevel ?? 'error'
    ];
    this.kafka = new kafkajs.Kafka({
      clientId: options.clientId ?? 'edasaga',
      brokers: [...options.brokers],
      logLevel: level,
      connectionTimeout: 3000,
      retry: { initialRetryTime: 100, retries: 8 },
    });
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    await this.ensureExactTopics(topics.flatMap((topic) => [topic, deadLetterTopic(topic)]));
  }

  async publish(messages: readonly TransportMessage[]): Promise<void> {
    if (this.closed) throw new Error('kafka transport is closed');
    if (messages.length === 0) return;
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    for (const message of messages) {
      let list = byTopic.get(message.topic);
      if (list === undefined) byTopic.set(message.topic, (list = []));
      list.push({ key: message.key, value: message.body, headers: { ...message.headers } });
    }
    const producer = await this.connectProducer();
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
    });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new Error('kafka transport is closed');
    await this.ensureExactTopics(options.topics);
    const subscription = new KafkaSubscription(this, () => this.newConsumer(options.group), options, this.options);
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      this.subscriptions.delete(subscription);
      await subscription.close();
      throw error;
    }
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    const producer = this.producer;
    this.producer = undefined;
    if (producer !== undefined) await producer.then((p) => p.disconnect()).catch(() => undefined);
    const admin = this.admin;
    this.admin = undefined;
    if (admin !== undefined) await admin.then((a) => a.disconnect()).catch(() => undefined);
  }

  async backlog(group: string, topic: string): Promise<number | undefined> {
    if (this.closed) return undefined;
    try {
      if (this.admin === undefined) {
        const admin = this.kafka.admin();
        this.admin = admin.connect().then(() => admin);
        this.admin.catch(() => (this.admin = undefined));
      }
      const admin = await this.admin;
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
      const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      // A partition the group has not committed on yet counts from its oldest retained message.
      return ends.reduce((sum, p) => sum + Math.max(0, Number(p.high) - ((done.get(p.partition) ?? -1) >= 0 ? done.get(p.partition)! : Number(p.low))), 0);
    } catch {
      return undefined; // away, or not known (yet): nothing known
    }
  }

  /** @internal Copies a message to its dead-letter topic; resolves once the broker has it. */
  async publishDeadLetter(message: TransportMessage, group: string, attempts: number, reason: string): Promise<void> {
    const topic = deadLetterTopic(message.topic);
    await this.ensureExactTopics([topic]);
    const producer = await this.connectProducer();
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: message.key, value: message.body, headers: deadLetterHeaders(message, group, attempts, reason) }],
    });
  }

  problem(): string | undefined {
    if (this.closed) return 'the kafka transport is closed';
    for (const subscription of this.subscriptions) if (subscription.problem !== undefined) return subscription.problem;
    return undefined;
  }

  /** @internal A consumer of the group, not connected yet. */
  newConsumer(group: string): Consumer {
    return this.kafka.consumer({
      groupId: group,
      sessionTimeout: this.options.sessionTimeoutMs ?? KAFKA_DEFAULT_SESSION_TIMEOUT_MS,
      rebalanceTimeout: this.options.rebalanceTimeoutMs ?? KAFKA_DEFAULT_REBALANCE_TIMEOUT_MS,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? KAFKA_DEFAULT_HEARTBEAT_INTERVAL_MS,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 100, retries: 8 },
    });
  }

  /** @internal */
  forget(subscription: KafkaSubscription): void {
    this.subscriptions.delete(subscription);
  }

  private async ensureExactTopics(topics: readonly string[]): Promise<void> {
    const wanted = [...new Set(topics)].filter((topic) => !this.knownTopics.has(topic));
    if (wanted.length === 0) return;
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      // A broker that has just started (or just created a topic) answers "not hosted here" or "no
      // leader" for a while: create, then wait until every partition has a leader.
      for (let attempt = 1; ; attempt++) {
        try {
          const existing = new Set(await admin.listTopics());
          const missing = wanted.filter((topic) => !existing.has(topic));
          if (missing.length > 0) {
            await admin
              .createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: this.options.partitions ?? 3 })) })
              .catch((error: unknown) => {
                // Another process may have created them between listTopics and createTopics.
                if (!isTopicExistsError(error)) throw error;
              });
          }
          const { topics: metadata } = await admin.fetchTopicMetadata({ topics: wanted });
          const leaderless = metadata.filter((topic) => topic.partitions.length === 0 || topic.partitions.some((p) => p.leader < 0));
          if (leaderless.length === 0) break;
          if (attempt >= TOPIC_READY_ATTEMPTS) {
            throw new Error(`kafka topics without a partition leader: ${leaderless.map((topic) => topic.name).join(', ')}`);
          }
        } catch (error) {
          if (attempt >= TOPIC_READY_ATTEMPTS || !isRetriable(error)) throw error;
        }
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
      for (const topic of wanted) this.knownTopics.add(topic);
    } finally {
      await admin.disconnect();
    }
  }

  private connectProducer(): Promise<Producer> {
    if (this.producer === undefined) {
      const producer = this.kafka.producer({
        // Idempotent with one request in flight: retries neither duplicate nor reorder a key's messages.
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: this.kafkajs.Partitioners.DefaultPartitioner,
      });
      this.producer = producer.connect().then(() => producer);
      this.producer.catch(() => {
        this.producer = undefined;
      });
    }
    return this.producer;
  }
}

const TOPIC_READY_ATTEMPTS = 12;

function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

function isTopicExistsError(error: unknown): boolean {
  const text = JSON.stringify(error, Object.getOwnPropertyNames(error ?? {}));
  return text.includes('TOPIC_ALREADY_EXISTS') || text.includes('already exists');
}

/** Pause before a consumer that kafkajs gave up on is made again (it restarts retriable crashes itself). */
const REVIVE_AFTER_MS = 2000;

class KafkaSubscription implements Subscription {
  private readonly abort = new AbortController();
  private consumer: Consumer;
  /** Why the consumer is down, while it is (for Transport.problem). */
  problem: string | undefined;
  /**
   * Deliveries per message, and those that count toward the cap (all but transient retries), kept
   * across a rebalance that hands the partition back to this member.
   */
  private readonly attempts = new Map<string, { all: number; counted: number }>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly transport: KafkaTransport,
    private readonly makeConsumer: () => Consumer,
    private readonly options: SubscribeOptions,
    private readonly config: KafkaTransportOptions,
  ) {
    this.consumer = makeConsumer();
  }

  async start(): Promise<void> {
    await this.run(this.consumer);
    this.watch(this.consumer);
  }

  /**
   * After start: kafkajs restarts a consumer that crashed on something retriable (a broker away);
   * one it gives up on would leave the service consuming nothing until restarted. That one is made
   * again, as a restart of the service would, after a pause, for as long as it takes.
   */
  private watch(consumer: Consumer): void {
    consumer.on(consumer.events.CRASH, (event) => {
      this.problem = `kafka consumer of group "${this.options.group}" crashed: ${event.payload.error.message}${event.payload.restart ? '; kafkajs restarts it' : ''}`;
      if (event.payload.restart || this.abort.signal.aborted) return;
      void this.revive();
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.problem = undefined;
    });
  }

  private async revive(): Promise<void> {
    while (!this.abort.signal.aborted) {
      await sleep(REVIVE_AFTER_MS, this.abort.signal);
      if (this.abort.signal.aborted) return;
      await this.consumer.disconnect().catch(() => undefined);
      const consumer = this.makeConsumer();
      this.consumer = consumer;
      try {
        await this.run(consumer);
        this.watch(consumer);
        this.config.onConsumerError?.(new Error(`kafka consumer of group "${this.options.group}" was made again after a crash kafkajs gave up on`), this.options.group);
        return;
      } catch (error) {
        this.problem = `kafka consumer of group "${this.options.group}" could not be made again: ${(error as Error).message}`;
        this.config.onConsumerError?.(error, this.options.group);
      }
    }
  }

  private async run(consumer: Consumer): Promise<void> {
    const joinTimeoutMs = this.config.joinTimeoutMs ?? 60_000;
    let removeJoin: (() => void) | undefined;
    let removeCrash: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    // `run` resolves before the group is joined; callers expect a subscribed consumer to receive.
    const joined = new Promise<void>((resolve, reject) => {
      removeJoin = consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      // kafkajs restarts a consumer after a retriable crash (e.g. "coordinator is loading" on a
      // fresh broker); only a crash it gives up on fails the subscription.
      removeCrash = consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) reject(event.payload.error);
      });
      timer = setTimeout(
        // A cluster that is still coming up: the caller may try again (keepTrying does).
        () => reject(new TransientError(`kafka consumer of group "${this.options.group}" did not join within ${joinTimeoutMs} ms`)),
        joinTimeoutMs,
      );
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.config.fromBeginning ?? true });
      await consumer.run({
        autoCommit: true,
        // Also commit every half second inside a long batch, not only when the batch ends.
        autoCommitInterval: 500,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.config.partitionsConsumedConcurrently ?? 3,
        eachBatch: (payload) => this.handleBatch(payload),
      });
      await joined;
    } finally {
      clearTimeout(timer);
      removeJoin?.();
      removeCrash?.();
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort();
      this.transport.forget(this);
      // Waits for the batches in flight (a retry wait ends at once), commits what was resolved, leaves the group.
      await this.consumer.disconnect();
    })();
    return this.closing;
  }

  /**
   * Handles one fetched batch of a partition through the keyed dispatcher: with
   * `keysConsumedConcurrently` 1 the partition is one queue (strictly offset order), above it one
   * queue per key, that many at once. An offset is resolved only once it and every earlier message
   * of the batch are done (the dispatcher's settle hook keeps that watermark), so a crash redelivers
   * whatever was not finished (the inbox absorbs the repeats).
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeatEveryMs = this.config.heartbeatIntervalMs ?? KAFKA_DEFAULT_HEARTBEAT_INTERVAL_MS;
    const records = batch.messages;
    if (records.length === 0) return;
    const stopped = (): boolean => this.abort.signal.aborted || !payload.isRunning() || payload.isStale();
    // Heartbeats go on while handlers run, so slow handlers do not cost the membership. A failed
    // beat (rebalance) is seen again by the explicit heartbeats of the retry waits and the end.
    const beating = setInterval(() => void payload.heartbeat().catch(() => undefined), heartbeatEveryMs);
    const done = new Array<boolean>(records.length).fill(false);
    let resolved = 0;
    let committing: Promise<void> = Promise.resolve();
    const attemptKey = (index: number): string => `${batch.topic}\u0000${batch.partition}\u0000${records[index]!.offset}`;
    const concurrency = Math.max(1, this.config.keysConsumedConcurrently ?? 1);
    const dispatcher = new KeyedDispatcher<number>(
      {
        deliver: async (pending) => {
          // Kept across a rebalance that hands the partition back to this member.
          this.attempts.set(attemptKey(pending.handle), { all: pending.attempt, counted: pending.counted });
          const outcome = await decide(this.options.handle, { message: pending.message, attempt: pending.attempt }, this.options.group, this.config, pending.counted);
          if (outcome.kind === 'retry' && outcome.transient === true) this.attempts.set(attemptKey(pending.handle), { all: pending.attempt, counted: pending.counted - 1 });
          return outcome;
        },
        // The key waits here; heartbeats keep the membership. A heartbeat that reports a rebalance
        // throws, which makes kafkajs give the partition up with this offset uncommitted.
        wait: async (ms) => (await waitWithKeepAlive(ms, this.abort.signal, payload.heartbeat, heartbeatEveryMs)) && !stopped(),
        settle: async (pending, outcome) => {
          if (outcome.kind === 'dead-letter' && !(await this.moveToDeadLetter(pending.message, pending.attempt, outcome.reason, payload))) return false;
          this.attempts.delete(attemptKey(pending.handle));
          done[pending.handle] = true;
          let advanced = false;
          while (resolved < records.length && done[resolved]) {
            resolved += 1;
            advanced = true;
          }
          if (advanced) {
            payload.resolveOffset(records[resolved - 1]!.offset);
            // One commit at a time; kafkajs commits only when its interval has passed.
            committing = committing.then(() => payload.commitOffsetsIfNecessary()).catch(() => undefined);
          }
          // Throttled by kafkajs to its interval; throws on a rebalance, which ends the batch here.
          await payload.heartbeat();
          return true;
        },
        stopped,
      },
      concurrency,
    );
    try {
      records.forEach((record, index) => {
        const seen = this.attempts.get(attemptKey(index)) ?? { all: 0, counted: 0 };
        const key = concurrency === 1 ? '' : record.key === null ? '' : record.key.toString('latin1');
        dispatcher.push(key, { handle: index, message: toTransportMessage(batch.topic, record), attempt: seen.all + 1, counted: seen.counted + 1 });
      });
      await dispatcher.idle();
      await committing;
      await payload.heartbeat();
    } finally {
      clearInterval(beating);
    }
  }

  /** Copies the message to its dead-letter topic, trying again until that works; false if closing first. */
  private async moveToDeadLetter(message: TransportMessage, attempt: number, reason: string, payload: EachBatchPayload): Promise<boolean> {
    for (;;) {
      try {
        await this.transport.publishDeadLetter(message, this.options.group, attempt, reason);
        return true;
      } catch (error) {
        this.config.onDeadLetterError?.(error, message, this.options.group);
        const delay = this.config.errorRetryDelayMs ?? DEFAULT_ERROR_RETRY_DELAY_MS;
        const waited = await waitWithKeepAlive(delay, this.abort.signal, payload.heartbeat, this.config.heartbeatIntervalMs ?? KAFKA_DEFAULT_HEARTBEAT_INTERVAL_MS);
        if (!waited || !payload.isRunning() || payload.isStale()) return false;
      }
    }
  }
}

function toTransportMessage(topic: string, record: KafkaMessage): TransportMessage {
  return {
    topic,
    key: record.key === null ? '' : record.key.toString('utf8'),
    headers: headersToStrings(record.headers),
    body: record.value === null ? '' : record.value.toString('utf8'),
  };
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    // A repeated header arrives as an array; the envelope has one value per attribute: keep the last.
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) result[name] = last.toString();
  }
  return result;
}
