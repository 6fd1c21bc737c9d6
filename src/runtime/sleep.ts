// A wait that a stop can cut short: retries and backoffs wait with the signal of whatever is
// stopping (a transport closing, a process shutting down), so stopping never waits them out.

/** Resolves after `ms`, or at once when `signal` aborts (also if it already has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
