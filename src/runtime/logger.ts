// Logging: pino, JSON lines. Each handler gets a child logger bound to the message's correlation
// and causation ids, so one business transaction can be followed across services with one grep.
import pino from 'pino';
import type { Logger, DestinationStream, LevelWithSilentOrString } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** Service name, bound as `service` on every line. */
  readonly name: string;
  readonly level?: LevelWithSilentOrString;
  /** Where lines go; stdout by default. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = { level: options.level ?? process.env['LOG_LEVEL'] ?? 'info', base: { service: options.name } };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
