// Picks the transport from the environment, loading only the chosen one (and its client library):
//   EDASAGA_TRANSPORT   in-process (default) | kafka | nats
//   KAFKA_BROKERS       comma-separated host:port list, default 127.0.0.1:9092
//   KAFKA_CLIENT_ID     default `edasaga`
//   KAFKA_PARTITIONS    partitions of topics the transport creates, default 3
//   KAFKA_LOG_LEVEL     nothing | error | warn | info | debug, default error
//   NATS_URL            comma-separated server URLs, default nats://127.0.0.1:4222
//   EDASAGA_MAX_DELIVERIES  the broker transports' delivery cap, default 25
import type { Transport } from '../transport.js';
import type { BrokerDeliveryOptions } from './broker-delivery.js';
import type { Logger } from '../logger.js';

export type TransportKind = 'in-process' | 'kafka' | 'nats';

export type TransportConfig =
  | { readonly kind: 'in-process' }
  | {
      readonly kind: 'kafka';
      readonly brokers: readonly string[];
      readonly clientId: string;
      readonly partitions: number;
      readonly logLevel: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
      readonly maxDeliveries: number;
    }
  | { readonly kind: 'nats'; readonly servers: readonly string[]; readonly maxDeliveries: number };

export class TransportConfigError extends Error {
  override readonly name = 'TransportConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

const KINDS: readonly TransportKind[] = ['in-process', 'kafka', 'nats'];
const KAFKA_LOG_LEVELS = ['nothing', 'error', 'warn', 'info', 'debug'] as const;

/** Reads the transport settings; every problem is reported at once, naming the variable. */
export function transportConfigFromEnv(env: Env = process.env): TransportConfig {
  const problems: string[] = [];
  const kind = (env['EDASAGA_TRANSPORT'] ?? '').trim() || 'in-process';
  const maxDeliveries = positiveInteger(env, 'EDASAGA_MAX_DELIVERIES', 25, problems);
  let config: TransportConfig | undefined;
  if (kind === 'in-process') {
    config = { kind };
  } else if (kind === 'kafka') {
    const brokers = list(env['KAFKA_BROKERS'], '127.0.0.1:9092');
    for (const broker of brokers) {
      if (!/^[^\s:]+:\d{1,5}$/.test(broker)) problems.push(`KAFKA_BROKERS: "${broker}" is not host:port`);
    }
    const logLevel = (env['KAFKA_LOG_LEVEL'] ?? 'error').trim().toLowerCase();
    if (!(KAFKA_LOG_LEVELS as readonly string[]).includes(logLevel)) {
      problems.push(`KAFKA_LOG_LEVEL: expected one of ${KAFKA_LOG_LEVELS.join(', ')}, got "${logLevel}"`);
    }
    config = {
      kind,
      brokers,
      clientId: (env['KAFKA_CLIENT_ID'] ?? '').trim() || 'edasaga',
      partitions: positiveInteger(env, 'KAFKA_PARTITIONS', 3, problems),
      logLevel: logLevel as (typeof KAFKA_LOG_LEVELS)[number],
      maxDeliveries,
    };
  } else if (kind === 'nats') {
    const servers = list(env['NATS_URL'], 'nats://127.0.0.1:4222');
    for (const server of servers) {
      if (!/^(nats|tls|ws|wss):\/\/[^\s]+$/.test(server) && !/^[^\s:/]+:\d{1,5}$/.test(server)) {
        problems.push(`NATS_URL: "${server}" is not a nats:// URL or host:port`);
      }
    }
    config = { kind, servers, maxDeliveries };
  } else {
    problems.push(`EDASAGA_TRANSPORT: expected one of ${KINDS.join(', ')}, got "${kind}"`);
  }
  if (problems.length > 0 || config === undefined) {
    throw new TransportConfigError(`invalid transport configuration:\n  ${problems.join('\n  ')}`);
  }
  return config;
}

/** Keys of one Kafka partition a service handles at the same time (see KafkaTransportOptions). */
const SERVICE_KEY_CONCURRENCY = 16;

export interface TransportFromEnvOptions extends Pick<BrokerDeliveryOptions, 'onHandlerError' | 'errorRetryDelayMs'> {
  /** The process's shared in-process transport, used instead of a new one when that is selected. */
  readonly inProcess?: Transport;
  /** Where the broker transports report what they mend by themselves (a failed pull, a consumer made again). */
  readonly logger?: Logger;
}

/** Creates the configured transport; only the selected module and its client library are imported. */
export async function transportFromEnv(env: Env = process.env, options: TransportFromEnvOptions = {}): Promise<Transport> {
  const config = transportConfigFromEnv(env);
  const log = options.logger === undefined ? undefined : throttled(options.logger);
  const delivery: BrokerDeliveryOptions = {
    ...(options.onHandlerError === undefined ? {} : { onHandlerError: options.onHandlerError }),
    ...(options.errorRetryDelayMs === undefined ? {} : { errorRetryDelayMs: options.errorRetryDelayMs }),
    ...(log === undefined ? {} : { onDeadLetterError: (error: unknown, message: { topic: string }, group: string) => log.warn({ err: error, topic: message.topic, group }, 'could not move a message to its dead-letter topic; trying again') }),
  };
  switch (config.kind) {
    case 'in-process': {
      if (options.inProcess !== undefined) return options.inProcess;
      const { createInProcessTransport } = await import('./in-process.js');
      return createInProcessTransport(delivery);
    }
    case 'kafka': {
      const { createKafkaTransport } = await import('./kafka.js');
      const { kind: _kind, ...kafka } = config;
      // Services handle different keys of a partition side by side (order per key is kept): one
      // key at a time would leave them waiting on database round trips.
      return createKafkaTransport({
        ...delivery,
        ...kafka,
        keysConsumedConcurrently: SERVICE_KEY_CONCURRENCY,
        ...(log === undefined ? {} : { onConsumerError: (error: unknown, group: string) => log.warn({ err: error, group }, 'kafka consumer trouble') }),
      });
    }
    case 'nats': {
      const { createNatsTransport } = await import('./nats.js');
      return createNatsTransport({
        ...delivery,
        servers: config.servers,
        maxDeliveries: config.maxDeliveries,
        ...(log === undefined ? {} : { onPullError: (error: unknown, group: string, topic: string) => log.warn({ err: error, group, topic }, 'NATS pull failed; trying again') }),
      });
    }
  }
}

/** Each distinct message at most every 5 s: a broker that is away fails every pull, 10 times a second. */
function throttled(logger: Logger): Pick<Logger, 'warn'> {
  const last = new Map<string, number>();
  return {
    warn: ((fields: Record<string, unknown>, message: string) => {
      const key = `${message}\u0000${String(fields['group'])}\u0000${String(fields['topic'])}`;
      const now = Date.now();
      if (now - (last.get(key) ?? 0) < 5000) return;
      last.set(key, now);
      logger.warn(fields, message);
    }) as Logger['warn'],
  };
}

function list(value: string | undefined, fallback: string): string[] {
  const items = (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length > 0 ? items : [fallback];
}

function positiveInteger(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    problems.push(`${name}: expected a positive integer, got "${raw}"`);
    return fallback;
  }
  return value;
}
