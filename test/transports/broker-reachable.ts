// Whether a broker the tests need is listening. Outside CI an absent broker skips its tests with a
// printed reason; with CI=true the suite must fail instead, so absence is never silently green.
import { connect } from 'node:net';

export function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when the tests should be skipped; prints why. Throws under CI, where absence is a failure. */
export async function skipUnlessReachable(what: string, host: string, port: number, howToStart: string): Promise<boolean> {
  if (await reachable(host, port)) return false;
  const reason = `${what} is not reachable on ${host}:${port}; start it with: ${howToStart}`;
  if (process.env['CI'] === 'true') throw new Error(`${reason} (CI=true: a missing broker fails the run)`);
  console.warn(`skipping ${what} transport tests: ${reason}`);
  return true;
}
