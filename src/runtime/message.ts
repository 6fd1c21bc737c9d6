// What a service hands to `publish`: a typed message with its routing, before it becomes a
// CloudEvents envelope. Generated event classes produce these.

export interface OutgoingMessage<T = unknown> {
  /** CloudEvents type, e.g. `com.example.orders.PaymentCompleted`. */
  readonly type: string;
  readonly topic: string;
  /** Ordering key (aggregate id): the envelope subject and the broker partition key. */
  readonly key: string;
  readonly dataversion: number;
  readonly data: T;
  /** Debezium `aggregatetype`; defaults to the topic. */
  readonly aggregatetype?: string;
  readonly dataschema?: string;
  /** Message id; a fresh UUID when absent. */
  readonly id?: string;
  /** Overrides the inherited correlation id (starting a new business transaction). */
  readonly correlationid?: string;
}

/** Routing of one message type, as the generator knows it from the catalog. */
export interface MessageSpec {
  readonly type: string;
  readonly topic: string;
  readonly dataversion: number;
  /** Payload property that holds the ordering key. */
  readonly keyField: string;
  readonly dataschema?: string;
}

/** Builds an outgoing message from a spec and a payload (the key is read from the payload). */
export function messageFromSpec<T>(spec: MessageSpec, data: T): OutgoingMessage<T> {
  const key = (data as Record<string, unknown> | null)?.[spec.keyField];
  if (typeof key !== 'string' && typeof key !== 'number') {
    throw new TypeError(`${spec.type}: payload property "${spec.keyField}" (the ordering key) is missing`);
  }
  return {
    type: spec.type,
    topic: spec.topic,
    key: String(key),
    dataversion: spec.dataversion,
    data,
    ...(spec.dataschema === undefined ? {} : { dataschema: spec.dataschema }),
  };
}
