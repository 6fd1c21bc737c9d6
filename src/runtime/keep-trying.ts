// Waiting out infrastructure that is not there yet: a service started while its database or broker
// is down (or restarting) keeps trying with backoff, says so in its log, and goes on once it
// answers, instead of exiting and leaving every saga it runs frozen. Only transient faults
// (faults.ts) are waited out; a wrong password or an unknown database is reported at once.
import { backoffDelay, type Backoff } from './backoff.js';
import { transientKind } from './faults.js';
import type { Logger } from './logger.js';
import { sleep } from './sleep.js';

export interface KeepTryingOptions {
  /** What is waited for, as the log says it: `PostgreSQL (schema order)`, `the broker (nats://...)`. */
  readonly what: string;
  readonly logger: Logger;
  /** Default 250 ms doubling to 10 s, with jitter. */
  readonly backoff?: Backoff;
  /** Stops waiting (the process is stopping): the last error is thrown. */
  readonly signal?: AbortSignal;
  /** Called on every failed try (readiness reports it). */
  readonly onWaiting?: (error: unknown) => void;
}

const DEFAULT_BACKOFF: Backoff = { initialMs: 250, multiplier: 2, maxMs: 10_000 };

/** A short description of an error for a log line (no stack: the same error repeats every try). */
export function describeFault(error: unknown): string {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  const text = typeof message === 'string' && message !== '' ? message : String(error);
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}

/** Runs `fn` until it succeeds, waiting out transient faults. */
export async function keepTrying<T>(fn: () => Promise<T>, options: KeepTryingOptions): Promise<T> {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await fn();
      if (attempt > 1) options.logger.info({ waitedFor: options.what, tries: attempt }, `${options.what} answered; going on`);
      return result;
    } catch (error) {
      if (transientKind(error) === undefined || options.signal?.aborted === true) throw error;
      options.onWaiting?.(error);
      const delay = backoffDelay(backoff, attempt);
      options.logger.warn({ waitingFor: options.what, fault: describeFault(error), tries: attempt, retryInMs: delay }, `waiting for ${options.what}: ${describeFault(error)}; trying again in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay, options.signal);
      if (isAborted(options.signal)) throw error;
    }
  }
}

/** Read through a function: TypeScript narrows `signal.aborted` after the first check and cannot see the wait change it. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
