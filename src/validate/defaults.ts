// Defaults of the saga language, documented in docs/language.md ("Timeouts and retries").

export const DEFAULT_STEP_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_BACKOFF = { initialMs: 200, multiplier: 2, maxMs: 10_000 } as const;
export const DEFAULT_COMPATIBILITY = 'BACKWARD' as const;
