// The validated, normalised model of a catalog and its sagas. Everything downstream of validation
// (generators, compatibility checks) reads only these types, never the raw YAML.

/** A place in a source file, 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** A JSON Schema as written (draft-07 or 2020-12). Kept as plain data. */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

export type MessageKind = 'event' | 'command' | 'reply';

export const COMPATIBILITY_MODES = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

export interface Service {
  readonly name: string;
  readonly description?: string;
  readonly owner?: string;
  readonly loc: SourceLocation;
}

export interface Deprecation {
  readonly reason: string;
  readonly since?: number;
}

/** An incompatible change the team accepted on purpose (check-compat shows it, does not fail on it). */
export interface AcceptedBreak {
  /** Version the break was introduced in. */
  readonly version: number;
  /** Rule id to accept, or '*' for every finding of that version. */
  readonly rule: string;
  readonly reason: string;
  readonly loc: SourceLocation;
}

export interface MessageVersion {
  readonly version: number;
  readonly description?: string;
  /**
   * The payload schema exactly as written. Local `$ref`s are relative to the catalog document
   * (`#/definitions/Money`), file refs relative to the catalog's folder (`./schemas/x.json`).
   */
  readonly payload: JsonSchema;
  /** Where `payload` starts in the source (for findings that point into it). */
  readonly loc: SourceLocation;
  /** JSON pointer of `payload` within its source document (e.g. `/messages/OrderCreated/versions/1/payload`). */
  readonly pointer: string;
}

export interface Message {
  readonly name: string;
  readonly kind: MessageKind;
  /** The service that owns (produces) the message; for a command, the service that handles it. */
  readonly service: string;
  readonly topic: string;
  /** Payload property whose value orders and partitions the message (the CloudEvents `subject`). */
  readonly key: string;
  readonly description?: string;
  readonly compatibility: CompatibilityMode;
  readonly deprecated?: Deprecation;
  /** Ordered 1..n. */
  readonly versions: readonly MessageVersion[];
  readonly acceptedBreaks: readonly AcceptedBreak[];
  readonly loc: SourceLocation;
}

export interface Subscription {
  readonly service: string;
  readonly message: string;
  readonly loc: SourceLocation;
}

export interface Catalog {
  /** Absolute path of the catalog file. */
  readonly file: string;
  readonly name: string;
  readonly namespace: string;
  readonly description?: string;
  readonly services: readonly Service[];
  /** Shared JSON Schema definitions, referenced as `#/definitions/Name`. */
  readonly definitions: Readonly<Record<string, JsonSchema>>;
  readonly messages: readonly Message[];
  readonly subscriptions: readonly Subscription[];
}

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly multiplier: number;
  readonly maxMs: number;
}

export interface RetryPolicy {
  /** Total attempts, including the first. */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
}

export interface Compensation {
  readonly command: string;
  readonly reply: string;
}

export interface SagaStep {
  readonly name: string;
  readonly participant: string;
  readonly command: string;
  readonly onSuccess: string;
  readonly onFailure: readonly string[];
  readonly compensation?: Compensation;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly loc: SourceLocation;
}

export interface Saga {
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  /** Service that hosts the orchestrator. */
  readonly orchestrator: string;
  readonly startedBy: string;
  /** Payload property carrying the saga's correlation id in every message of the saga. */
  readonly correlationKey: string;
  readonly steps: readonly SagaStep[];
  readonly onCompleted: readonly string[];
  readonly onCompensated: readonly string[];
  readonly loc: SourceLocation;
}

/**
 * A catalog with its sagas: what `validate` produces and every generator consumes. The catalog's
 * `subscriptions` include those the choreographies imply (see impliedSubscriptions), so every
 * consumer of the catalog sees what each service consumes.
 */
export interface Project {
  readonly catalog: Catalog;
  /** Orchestrated sagas (`saga:` files). */
  readonly sagas: readonly Saga[];
  /** Choreographed sagas (`choreography:` files). */
  readonly choreographies: readonly Choreography[];
}

export type { Choreography, Reaction } from './choreography.js';
import type { Choreography } from './choreography.js';
