// Graceful shutdown: stop() waits for the handler in flight, publishes what is left in the outbox,
// keeps to its bound when a handler hangs, and says what it did.
import { afterEach, describe, expect, it } from 'vitest';
import { dbFactories, waitFor } from './helpers.js';
import { InProcessTransport } from '../../src/runtime/transports/in-process.js';
import { createServiceRuntime, type ServiceRuntime } from '../../src/runtime/service.js';
import { handler } from '../../src/runtime/context.js';
import { silentLogger } from '../../src/runtime/logger.js';

const PING = 'com.example.shutdown.Ping';
const PONG = 'com.example.shutdown.Pong';

function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

for (const factory of dbFactories) {
  describe.skipIf(!factory.available)(`shutdown (${factory.name})`, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    });

    /** A worker that answers each ping with a pong once `hold` lets it, and a sender of pings. */
    async function pair(hold: () => Promise<void>): Promise<{ worker: ServiceRuntime; sender: ServiceRuntime; started: { count: number } }> {
      const transport = new InProcessTransport();
      cleanups.push(() => transport.close());
      const started = { count: 0 };
      const make = async (name: string, handlers: Parameters<typeof createServiceRuntime>[0]['handlers']): Promise<ServiceRuntime> => {
        const created = await factory.create();
        const runtime = createServiceRuntime({ name, db: created.db, transport, handlers: handlers ?? [], logger: silentLogger(), relay: { pollIntervalMs: 50 } });
        cleanups.push(created.cleanup, () => runtime.stop({ timeoutMs: 1000 }));
        await runtime.start();
        return runtime;
      };
      const worker = await make('worker', [
        handler({
          type: PING,
          topic: 'pings',
          handler: async (_m, ctx) => {
            started.count += 1;
            await hold();
            await ctx.publish({ type: PONG, topic: 'pongs', key: 'k', dataversion: 1, data: {} });
          },
        }),
      ]);
      const sender = await make('sender', []);
      return { worker, sender, started };
    }

    const ping = (sender: ServiceRuntime) => sender.transaction((uow) => uow.publish({ type: PING, topic: 'pings', key: 'k', dataversion: 1, data: {} }));

    it('waits for the handler in flight and publishes what it wrote', async () => {
      const held = gate();
      const { worker, sender, started } = await pair(() => held.wait);
      await ping(sender);
      await waitFor(() => started.count === 1, 5000, 'the handler to start');
      setTimeout(held.open, 100);
      const report = await worker.stop({ timeoutMs: 5000 });
      expect(report).toMatchObject({ service: 'worker', timeoutMs: 5000, complete: true, inFlightAtStop: 1, inFlightLeft: 0, consumerStopped: true, timersStopped: true, outboxPending: 0 });
      expect(report!.durationMs).toBeGreaterThanOrEqual(90);
      const rows = await worker.db.transaction((tx) => worker.outbox.all(tx));
      expect(rows.filter((row) => row.dispatchedAt === undefined)).toEqual([]);
      expect(await worker.stop()).toBeUndefined();
    });

    it('flushes outbox rows its relay had not published', async () => {
      const { sender } = await pair(async () => undefined);
      await sender.relay.stop(); // paused: the rows wait
      for (let i = 0; i < 3; i++) await ping(sender);
      expect(await sender.db.transaction((tx) => sender.outbox.countPending(tx))).toBe(3);
      const report = await sender.stop({ timeoutMs: 5000 });
      expect(report).toMatchObject({ complete: true, flushed: 3, outboxPending: 0, inFlightAtStop: 0 });
    });

    it('keeps to its bound when a handler hangs, and says what it left', async () => {
      const held = gate();
      const { worker, sender, started } = await pair(() => held.wait);
      cleanups.push(async () => held.open());
      await ping(sender);
      await waitFor(() => started.count === 1, 5000, 'the handler to start');
      const before = Date.now();
      const report = await worker.stop({ timeoutMs: 300 });
      expect(Date.now() - before).toBeLessThan(1000); // the bound (300), the report's grace (100), slack for a busy machine
      expect(report).toMatchObject({ complete: false, inFlightAtStop: 1, inFlightLeft: 1, consumerStopped: false, timeoutMs: 300 });
      held.open();
    });
  });
}
