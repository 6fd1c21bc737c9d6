// The embedded transport: topics and consumer groups inside one Node process, for the one-process
// deployment and for tests. It keeps the same promises as the brokers: every group gets every
// message, messages with the same key reach a group in publish order, a `retry` holds back only
// the messages of its own key, and dead letters are kept (and published to `<topic>.dlq`).
// Nothing is durable: the outbox in the service database is what survives a restart.
import {
  deadLetterTopic,
  type Delivery,
  type DeliveryOutcome,
  type SubscribeOptions,
  type Subscription,
  type Transport,
  type TransportMessage,
} from '../transport.js';
import { sleep } from '../sleep.js';
import { KeyedDispatcher } from './keyed-dispatcher.js';

export interface DeadLetter {
  readonly group: string;
  readonly message: TransportMessage;
  readonly attempts: number;
  readonly reason: string;
}

export interface InProcessTransportOptions {
  /** Delay used when a handler throws instead of returning an outcome. Default 100 ms. */
  readonly errorRetryDelayMs?: number;
  /** Called when a handler throws (the transport then retries); defaults to ignoring it. */
  readonly onHandlerError?: (error: unknown, delivery: Delivery, group: string) => void;
  /**
   * Messages kept for a topic no group reads yet (e.g. a `.dlq` topic nobody consumes); beyond
   * this the oldest are dropped, so an unread topic cannot grow without bound. Default 100 000.
   */
  readonly maxUnreadPerTopic?: number;
  /**
   * Messages kept per topic after every reading group took them, for groups that subscribe later
   * (they start at the oldest message kept, like Kafka's `earliest`). Default 1 000.
   */
  readonly retainConsumedPerTopic?: number;
}

/** The messages of one topic still kept, and how far each reading group has taken them. */
class TopicLog {
  readonly messages: TransportMessage[] = [];
  /** Offset of messages[0]. */
  base = 0;
  /** Groups reading this topic, with the offset of the next message each has not taken yet. */
  readonly cursors = new Map<GroupState, number>();

  get end(): number {
    return this.base + this.messages.length;
  }

  /**
   * Drops what every reading group has taken, except the newest `retainConsumed` (so a group that
   * subscribes a moment later, e.g. a service started after another one published, still gets
   * them); while no group reads the topic, keeps the newest `maxUnread`.
   */
  trim(maxUnread: number, retainConsumed: number): void {
    let keepFrom: number;
    if (this.cursors.size === 0) {
      keepFrom = this.end - maxUnread;
    } else {
      let lowest = Infinity;
      for (const offset of this.cursors.values()) lowest = Math.min(lowest, offset);
      keepFrom = Math.min(lowest, this.end - retainConsumed);
    }
    const drop = keepFrom - this.base;
    if (drop > 0) {
      this.messages.splice(0, drop);
      this.base = keepFrom;
    }
  }
}

class Member implements Subscription {
  closed = false;
  readonly inFlight = new Set<Promise<unknown>>();
  constructor(
    readonly group: GroupState,
    readonly topics: ReadonlySet<string>,
    readonly handle: (delivery: Delivery) => Promise<DeliveryOutcome>,
  ) {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.group.removeMember(this);
    await Promise.allSettled([...this.inFlight]);
  }
}

/** One consumer group: its members and, per (topic, key), the messages waiting to be delivered. */
class GroupState {
  readonly members: Member[] = [];
  private nextMember = 0;
  readonly dispatcher: KeyedDispatcher<undefined>;

  constructor(
    readonly name: string,
    private readonly transport: InProcessTransport,
  ) {
    this.dispatcher = new KeyedDispatcher<undefined>({
      deliver: async (pending) => {
        const member = this.pickMember(pending.message.topic);
        // Nobody in the group reads the topic (yet): the key waits for addMember's resume().
        if (member === undefined) return undefined;
        const work = this.transport.deliver(member, { message: pending.message, attempt: pending.attempt }, this.name);
        member.inFlight.add(work);
        try {
          return await work;
        } finally {
          member.inFlight.delete(work);
        }
      },
      wait: (ms) => this.transport.wait(ms),
      settle: async (pending, outcome) => {
        if (outcome.kind === 'dead-letter') this.transport.recordDeadLetter({ group: this.name, message: pending.message, attempts: pending.attempt, reason: outcome.reason });
        return true;
      },
      stopped: () => this.transport.closed,
    });
  }

  addMember(member: Member): void {
    this.members.push(member);
    this.dispatcher.resume();
  }

  removeMember(member: Member): void {
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
  }

  enqueue(message: TransportMessage): void {
    // A NUL byte cannot occur in a topic name, so the pair is unambiguous.
    this.dispatcher.push(`${message.topic}\u0000${message.key}`, { handle: undefined, message, attempt: 1, counted: 1 });
  }

  /** Round-robin over the members that subscribed to the topic. */
  private pickMember(topic: string): Member | undefined {
    for (let tried = 0; tried < this.members.length; tried++) {
      this.nextMember = (this.nextMember + 1) % this.members.length;
      const member = this.members[this.nextMember];
      if (member !== undefined && member.topics.has(topic)) return member;
    }
    return undefined;
  }
}

export class InProcessTransport implements Transport {
  readonly name = 'in-process';
  closed = false;
  /** Ends the retry waits at close. */
  private readonly closing = new AbortController();
  private readonly topics = new Map<string, TopicLog>();
  private readonly groups = new Map<string, GroupState>();
  private readonly members = new Set<Member>();
  private readonly dead: DeadLetter[] = [];
  private readonly errorRetryDelayMs: number;
  private readonly onHandlerError: InProcessTransportOptions['onHandlerError'];
  private readonly maxUnreadPerTopic: number;
  private readonly retainConsumedPerTopic: number;

  constructor(options: InProcessTransportOptions = {}) {
    this.errorRetryDelayMs = options.errorRetryDelayMs ?? 100;
    this.maxUnreadPerTopic = Math.max(0, options.maxUnreadPerTopic ?? 100_000);
    this.retainConsumedPerTopic = Math.max(0, options.retainConsumedPerTopic ?? 1_000);
    this.onHandlerError = options.onHandlerError;
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    for (const topic of topics) this.topic(topic);
  }

  async publish(messages: readonly TransportMessage[]): Promise<void> {
    if (this.closed) throw new Error('in-process transport is closed');
    const touched = new Set<TopicLog>();
    for (const message of messages) {
      // Copy so a publisher mutating its objects later cannot change what consumers see.
      const copy: TransportMessage = Object.freeze({
        topic: message.topic,
        key: message.key,
        headers: Object.freeze({ ...message.headers }),
        body: message.body,
      });
      const log = this.topic(message.topic);
      log.messages.push(copy);
      touched.add(log);
    }
    for (const log of touched) this.pump(log);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new Error('in-process transport is closed');
    let group = this.groups.get(options.group);
    if (group === undefined) {
      group = new GroupState(options.group, this);
      this.groups.set(options.group, group);
    }
    const member = new Member(group, new Set(options.topics), options.handle);
    this.members.add(member);
    for (const topic of options.topics) {
      const log = this.topic(topic);
      // A group new to the topic starts at the oldest message still kept (like Kafka's `earliest`).
      if (!log.cursors.has(group)) log.cursors.set(group, log.base);
    }
    group.addMember(member);
    for (const topic of options.topics) this.pump(this.topic(topic));
    return {
      close: async () => {
        this.members.delete(member);
        await member.close();
      },
    };
  }

  async backlog(group: string, topic: string): Promise<number | undefined> {
    const state = this.groups.get(group);
    const log = this.topics.get(topic);
    if (state === undefined || log === undefined) return undefined;
    return log.end - (log.cursors.get(state) ?? log.end) + state.dispatcher.count((pending) => pending.message.topic === topic);
  }

  /** Messages given up on, oldest first (optionally of one group). */
  deadLetters(group?: string): readonly DeadLetter[] {
    return group === undefined ? [...this.dead] : this.dead.filter((d) => d.group === group);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    await Promise.allSettled([...this.members].map((member) => member.close()));
    this.members.clear();
  }

  /** @internal */
  async deliver(member: Member, delivery: Delivery, group: string): Promise<DeliveryOutcome> {
    try {
      return await member.handle(delivery);
    } catch (error) {
      this.onHandlerError?.(error, delivery, group);
      return { kind: 'retry', delayMs: this.errorRetryDelayMs };
    }
  }

  /** @internal Waits out a retry delay; false when the transport closed meanwhile. */
  async wait(ms: number): Promise<boolean> {
    if (ms > 0) await sleep(ms, this.closing.signal);
    return !this.closed;
  }

  /** @internal */
  recordDeadLetter(dead: DeadLetter): void {
    this.dead.push(dead);
    if (this.closed) return;
    const message: TransportMessage = {
      ...dead.message,
      topic: deadLetterTopic(dead.message.topic),
      headers: { ...dead.message.headers, 'x-dead-letter-reason': dead.reason, 'x-dead-letter-group': dead.group },
    };
    const log = this.topic(message.topic);
    log.messages.push(message);
    this.pump(log);
  }

  private topic(name: string): TopicLog {
    let log = this.topics.get(name);
    if (log === undefined) {
      log = new TopicLog();
      this.topics.set(name, log);
    }
    return log;
  }

  /** Hands every group the messages of the topic it has not taken yet. */
  private pump(log: TopicLog): void {
    for (const [group, offset] of log.cursors) {
      for (let at = offset; at < log.end; at++) {
        const message = log.messages[at - log.base];
        if (message !== undefined) group.enqueue(message);
      }
      log.cursors.set(group, log.end);
    }
    log.trim(this.maxUnreadPerTopic, this.retainConsumedPerTopic);
  }
}

export function createInProcessTransport(options: InProcessTransportOptions = {}): InProcessTransport {
  return new InProcessTransport(options);
}
