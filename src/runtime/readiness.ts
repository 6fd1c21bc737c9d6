// Whether a service process can do its work now, for a readiness probe (GET /health/ready) and for
// its log: each part it needs (the broker, each service's database) is either fine or waited for,
// with the reason. While it starts, everything is waited for; later a lost database or broker
// makes it not ready again until it answers, and the process stays up meanwhile.
import type { Db } from './db/port.js';
import type { Transport } from './transport.js';
import type { Logger } from './logger.js';
import { describeFault } from './keep-trying.js';

export interface ReadinessReport {
  readonly ready: boolean;
  /** Part -> why it is not ready (`the broker` -> `CONNECTION_REFUSED ...`). */
  readonly waitingFor: Readonly<Record<string, string>>;
}

export class Readiness {
  private readonly waiting = new Map<string, string>();
  /** Parts whose problem was logged: their return is logged too. */
  private readonly reported = new Set<string>();
  private readonly watchers: NodeJS.Timeout[] = [];

  constructor(private readonly logger: Logger) {}

  /** Marks `part` as not there yet without a problem to report (starting). */
  expect(part: string): void {
    if (!this.waiting.has(part)) this.waiting.set(part, 'starting');
  }

  /** Marks `part` as waited for (with why) or, with `undefined`, as fine; logs when a problem starts and ends. */
  set(part: string, problem: string | undefined): void {
    if (problem === undefined) {
      if (!this.waiting.delete(part)) return;
      if (this.reported.delete(part)) this.logger.info({ part, ready: this.ready }, `${part}: answers again`);
      return;
    }
    this.waiting.set(part, problem);
    if (!this.reported.has(part)) {
      this.reported.add(part);
      this.logger.warn({ part, problem }, `not ready: ${part}: ${problem}`);
    }
  }

  get ready(): boolean {
    return this.waiting.size === 0;
  }

  report(): ReadinessReport {
    return { ready: this.ready, waitingFor: Object.fromEntries(this.waiting) };
  }

  /**
   * Checks the databases (a `SELECT 1`) and the transport (its own view, where it has one) every
   * `intervalMs`, so that a lost one shows as not ready and its return as ready again.
   */
  watch(parts: { readonly dbs: ReadonlyMap<string, Db>; readonly transport: Transport }, intervalMs = 5000): void {
    const check = async (): Promise<void> => {
      for (const [service, db] of parts.dbs) {
        const part = `the database of ${service}`;
        try {
          await db.transaction((tx) => tx.query('SELECT 1'), { alone: true });
          this.set(part, undefined);
        } catch (error) {
          this.set(part, describeFault(error));
        }
      }
      const problem = parts.transport.problem?.();
      this.set('the broker', problem);
    };
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      void check().finally(() => (running = false));
    }, intervalMs);
    timer.unref();
    this.watchers.push(timer);
  }

  stop(): void {
    for (const timer of this.watchers.splice(0)) clearInterval(timer);
  }
}
