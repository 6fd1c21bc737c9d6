// Per-key ordered delivery, shared by every transport: messages are queued per key (topic and
// ordering key), each key's messages are handed to the handler one after another, different keys
// side by side (up to `concurrency` at once), a `retry` holds back only its own key while its delay
// is waited out in place, and a message leaves its queue only once the transport has settled it
// (acked, or moved to its dead-letter destination). What differs per broker comes in as hooks:
// how a delivery is decided (the delivery cap), how a wait keeps the broker's lease alive, how a
// message is settled (a NATS ack, a Kafka offset watermark, nothing in-process), and whether a
// consumer is there to deliver to at all.
import type { DeliveryOutcome, TransportMessage } from '../transport.js';

/** A message waiting for (or in) delivery, with the transport's own handle on it. */
export interface Pending<H> {
  readonly handle: H;
  readonly message: TransportMessage;
  /** Deliveries so far, this one included once it runs (1 on the first). */
  attempt: number;
  /** Deliveries that count toward a delivery cap: all but those that ended in a transient retry. */
  counted: number;
}

export interface KeyedDispatcherHooks<H> {
  /**
   * Hands the message to the handler once and applies the transport's rules (its cap). Undefined:
   * nobody can take it now (no member subscribed yet); the key waits for `resume()`.
   */
  deliver(pending: Pending<H>): Promise<DeliveryOutcome | undefined>;
  /**
   * Waits out a retry delay, keeping the broker's lease on the message alive meanwhile. False: stop
   * delivering this key (closing, the partition was taken away); the message stays queued.
   */
  wait(ms: number, pending: Pending<H>): Promise<boolean>;
  /**
   * The handler is done with the message (`ack` or `dead-letter`): acknowledge it to the broker,
   * or move it to its dead-letter destination. False: not settled (the copy failed); it is
   * delivered again.
   */
  settle(pending: Pending<H>, outcome: Exclude<DeliveryOutcome, { kind: 'retry' }>): Promise<boolean>;
  /** True once the transport stops delivering (closing). */
  stopped(): boolean;
}

interface KeyQueue<H> {
  readonly items: Pending<H>[];
  working: boolean;
  /** Nobody could take its head: it waits for resume() (a new member), not for a worker. */
  parked: boolean;
}

export class KeyedDispatcher<H> {
  private readonly queues = new Map<string, KeyQueue<H>>();
  /** Keys with messages that wait for a worker (only when `concurrency` is reached). */
  private readonly waiting: string[] = [];
  private readonly workers = new Set<Promise<void>>();
  private failure: { readonly error: unknown } | undefined;

  constructor(
    private readonly hooks: KeyedDispatcherHooks<H>,
    /** Keys delivered at the same time at most. */
    private readonly concurrency = Number.POSITIVE_INFINITY,
  ) {}

  /** Queues a message behind the others of its key, and starts delivering the key if it can. */
  push(key: string, pending: Pending<H>): void {
    let queue = this.queues.get(key);
    if (queue === undefined) this.queues.set(key, (queue = { items: [], working: false, parked: false }));
    queue.items.push(pending);
    this.start(key, queue);
  }

  /** Starts every key that has messages and no worker (after a member arrived). */
  resume(): void {
    for (const [key, queue] of this.queues) {
      queue.parked = false;
      this.start(key, queue);
    }
  }

  /** Messages queued (handled or waiting), optionally only those `filter` picks. */
  count(filter: (pending: Pending<H>) => boolean = () => true): number {
    let n = 0;
    for (const queue of this.queues.values()) for (const pending of queue.items) if (filter(pending)) n += 1;
    return n;
  }

  /** Every message still queued, in no particular order (what a closing member hands back). */
  queued(): Pending<H>[] {
    return [...this.queues.values()].flatMap((queue) => queue.items);
  }

  /** Resolves once no key is being delivered; rejects with the first error a hook threw. */
  async idle(): Promise<void> {
    while (this.workers.size > 0) await Promise.allSettled([...this.workers]);
    if (this.failure !== undefined) throw this.failure.error;
  }

  private start(key: string, queue: KeyQueue<H>): void {
    if (queue.working || queue.parked || queue.items.length === 0 || this.hooks.stopped() || this.failure !== undefined) return;
    if (this.workers.size >= this.concurrency) {
      if (!this.waiting.includes(key)) this.waiting.push(key);
      return;
    }
    queue.working = true;
    const worker: Promise<void> = this.drain(queue)
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        queue.working = false;
        this.workers.delete(worker);
        // A message may have been queued between the worker's last look and now.
        if (queue.items.length === 0) this.queues.delete(key);
        else if (!this.hooks.stopped() && this.failure === undefined) this.start(key, queue);
        const next = this.waiting.shift();
        const nextQueue = next === undefined ? undefined : this.queues.get(next);
        if (next !== undefined && nextQueue !== undefined) this.start(next, nextQueue);
      });
    this.workers.add(worker);
  }

  /** Delivers one key's messages one after another, waiting out retries in place. */
  private async drain(queue: KeyQueue<H>): Promise<void> {
    for (;;) {
      const head = queue.items[0];
      if (head === undefined || this.hooks.stopped() || this.failure !== undefined) return;
      const outcome = await this.hooks.deliver(head);
      if (outcome === undefined) {
        queue.parked = true;
        return;
      }
      if (outcome.kind === 'retry') {
        head.attempt += 1;
        if (outcome.transient !== true) head.counted += 1;
        if (!(await this.hooks.wait(outcome.delayMs, head))) return;
        continue;
      }
      if (!(await this.hooks.settle(head, outcome))) continue;
      queue.items.shift();
    }
  }
}
