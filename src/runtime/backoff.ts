// Exponential backoff with "full jitter" (a random delay between half and all of the exponential
// step), so a burst of failures does not come back as a burst of retries.

export interface Backoff {
  readonly initialMs: number;
  readonly multiplier: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 100, multiplier: 2, maxMs: 30_000 };

/** Delay before attempt `attempt + 1`, given that `attempt` (1-based) just failed. */
export function backoffDelay(policy: Backoff, attempt: number, random: () => number = Math.random): number {
  const exponential = policy.initialMs * policy.multiplier ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxMs, exponential);
  return Math.round(capped / 2 + (random() * capped) / 2);
}

/** The same without jitter: used where a deterministic schedule matters more (saga command retries). */
export function backoffDelayExact(policy: Backoff, attempt: number): number {
  return Math.min(policy.maxMs, Math.round(policy.initialMs * policy.multiplier ** Math.max(0, attempt - 1)));
}
