// A FIFO async mutex. better-sqlite3 is synchronous and one connection can run one transaction at
// a time, but our transaction callbacks are async: this keeps two of them from interleaving on one
// connection. (Tiny and dependency-free, so generated projects need no extra package.)

export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  /** Runs `fn` once every earlier caller has finished. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.tail;
    this.tail = next;
    this.waiting += 1;
    try {
      await previous;
      return await fn();
    } finally {
      this.waiting -= 1;
      release();
    }
  }

  /** Callers that hold or wait for the lock. */
  get pending(): number {
    return this.waiting;
  }
}
