// Helpers the generated saga modules build their definitions with (typed senders and awaited
// replies over the message companions), and the builder helpers your src/sagas/*.ts use.
import type { EventEnvelope, MessageSpec, SagaMessageBuilder, SagaReply } from '../runtime/index.js';

/** What the saga code needs of a generated message companion object. */
export interface Companion<T> {
  readonly name: string;
  readonly type: string;
  readonly topic: string;
  readonly key: string;
  readonly version: number;
  create(data: T): T;
  decode(envelope: EventEnvelope): { readonly data: T };
}

/** Saga data as generated: the starting event and the latest reply of each kind. */
export interface SagaData<S, R extends object> {
  readonly start: S;
  readonly replies: R;
}

export function specOf<T>(companion: Companion<T>): MessageSpec {
  return { type: companion.type, topic: companion.topic, dataversion: companion.version, keyField: companion.key };
}

/** A message the saga sends; its payload is validated against the catalog before it is written. */
export function sends<D, T>(companion: Companion<T>, build: (data: D) => T): SagaMessageBuilder<D> {
  return { message: specOf(companion), build: (data) => companion.create(build(data)) };
}

/** A reply the saga waits for: decoded (validated, upcast) and kept in `data.replies` under its name. */
export function awaits<D extends SagaData<unknown, object>, T>(companion: Companion<T>): SagaReply<D> {
  return {
    type: companion.type,
    topic: companion.topic,
    decode: (envelope) => companion.decode(envelope).data,
    onReply: (data, reply) => ({ ...data, replies: { ...data.replies, [companion.name]: reply } }) as D,
  };
}

/** A builder field nobody has written yet: compiles, and fails loudly when the saga gets there. */
export class NotImplementedError extends Error {
  override readonly name = 'NotImplementedError';
}

export function todo(what: string): never {
  throw new NotImplementedError(`not implemented: ${what} (fill it in where the saga builders live, see README.md)`);
}

/** The reply named `name`, which the saga must have received by now. */
export function requireReply<R extends object, K extends keyof R & string>(data: SagaData<unknown, R>, name: K): NonNullable<R[K]> {
  const reply = data.replies[name];
  if (reply === undefined || reply === null) throw new Error(`saga data has no ${name} reply yet`);
  return reply as NonNullable<R[K]>;
}

/** `{ [key]: value }` when value is defined, `{}` otherwise (for optional payload fields). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
