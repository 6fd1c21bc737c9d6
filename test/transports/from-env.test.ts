// Selecting the transport from the environment, and loading nothing but the selected one.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TransportConfigError, transportConfigFromEnv, transportFromEnv } from '../../src/runtime/transports/from-env.js';
import { skipUnlessReachable } from './broker-reachable.js';

const noNats = await skipUnlessReachable('NATS JetStream', '127.0.0.1', 4222, 'see test/transports/nats.test.ts');

describe('transportConfigFromEnv', () => {
  it('defaults to the in-process transport', () => {
    expect(transportConfigFromEnv({})).toEqual({ kind: 'in-process' });
  });

  it('reads Kafka settings', () => {
    expect(
      transportConfigFromEnv({ EDASAGA_TRANSPORT: 'kafka', KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.2:9092', KAFKA_PARTITIONS: '6' }),
    ).toEqual({
      kind: 'kafka',
      brokers: ['127.0.0.1:9092', '127.0.0.2:9092'],
      clientId: 'edasaga',
      partitions: 6,
      logLevel: 'error',
      maxDeliveries: 25,
    });
  });

  it('reads NATS settings', () => {
    expect(transportConfigFromEnv({ EDASAGA_TRANSPORT: 'nats', NATS_URL: 'nats://127.0.0.1:4222', EDASAGA_MAX_DELIVERIES: '5' })).toEqual({
      kind: 'nats',
      servers: ['nats://127.0.0.1:4222'],
      maxDeliveries: 5,
    });
  });

  it('reports every bad setting by its variable name', () => {
    const read = () =>
      transportConfigFromEnv({ EDASAGA_TRANSPORT: 'kafka', KAFKA_BROKERS: 'localhost', KAFKA_PARTITIONS: '0', KAFKA_LOG_LEVEL: 'loud' });
    expect(read).toThrow(TransportConfigError);
    expect(read).toThrow(/KAFKA_BROKERS: "localhost" is not host:port/);
    expect(read).toThrow(/KAFKA_PARTITIONS: expected a positive integer, got "0"/);
    expect(read).toThrow(/KAFKA_LOG_LEVEL: expected one of nothing, error, warn, info, debug, got "loud"/);
    expect(() => transportConfigFromEnv({ EDASAGA_TRANSPORT: 'rabbit' })).toThrow(/EDASAGA_TRANSPORT: expected one of in-process, kafka, nats, got "rabbit"/);
  });
});

describe('transportFromEnv', () => {
  it('creates the selected transport', async () => {
    const inProcess = await transportFromEnv({});
    expect(inProcess.name).toBe('in-process');
    await inProcess.close();
    // The Kafka transport connects on first use, so creating it needs no broker.
    const kafka = await transportFromEnv({ EDASAGA_TRANSPORT: 'kafka' });
    expect(kafka.name).toBe('kafka');
    await kafka.close();
  });

  it.skipIf(noNats)('connects to NATS when selected', async () => {
    const nats = await transportFromEnv({ EDASAGA_TRANSPORT: 'nats', NATS_URL: 'nats://127.0.0.1:4222' });
    expect(nats.name).toBe('nats');
    await nats.close();
  });

  it('loads neither kafkajs nor nats for the in-process transport', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { transportFromEnv } = await import('./src/runtime/transports/from-env.ts');
      const transport = await transportFromEnv({});
      await transport.close();
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((p) => /node_modules[\\\\/](kafkajs|nats)[\\\\/]/.test(p));
      console.log(JSON.stringify({ name: transport.name, loaded }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ name: 'in-process', loaded: [] });
  });
});
