// The origin service's record of each choreographed flow (sagas/*.yaml with `choreography:`). No
// orchestrator holds a choreography's state, so the service that starts the flow (it hosts the HTTP
// API) keeps it: every event of the flow it consumes is appended to the flow's timeline, in the
// transaction that handles it, before the service's own handler runs.
//
// Idempotent by message id (a redelivery adds nothing) and indifferent to the order of arrival:
// the status is PENDING until a terminal event (the choreography's onCompleted / onCompensated)
// arrives, the first terminal event sets it, and nothing changes it after that.
import { executeLater, type EventEnvelope, type MessageHandler, type Migration, type Tx } from '../runtime/index.js';
import { messages } from '../registry.js';
import { apis, type ApiSpec, type ServiceParts } from './services.js';

export type FlowStatus = 'PENDING' | 'COMPLETED' | 'COMPENSATED';

/** An API entry that starts a choreography: its `flow` is what generation tells the tracker (services.ts). */
export type ChoreographyApi = Extract<ApiSpec, { readonly kind: 'choreography' }>;

/** An API that starts a choreography (not an orchestrated saga). */
export function isChoreography(spec: ApiSpec): spec is ChoreographyApi {
  return spec.kind === 'choreography';
}

/** The choreographies `service` is the origin of. */
export function choreographiesOf(service: string): readonly ChoreographyApi[] {
  return apis.filter((spec): spec is ChoreographyApi => spec.service === service && isChoreography(spec));
}

export const flowMigrations: readonly Migration[] = [
  {
    id: 'flow-001-instances',
    statements: (d) => [
      `CREATE TABLE IF NOT EXISTS edasaga_flows (
        id TEXT PRIMARY KEY,
        flow TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at ${d.bigint} NOT NULL,
        updated_at ${d.bigint} NOT NULL
      )`,
      // `at`: when the event was published (its CloudEvents time), so the timeline reads in the
      // order things happened; `seen_at`: when this service handled it.
      `CREATE TABLE IF NOT EXISTS edasaga_flow_events (
        flow_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        type TEXT NOT NULL,
        at ${d.bigint} NOT NULL,
        seen_at ${d.bigint} NOT NULL,
        PRIMARY KEY (flow_id, message_id)
      )`,
    ],
  },
];

/**
 * Appends `envelope` to its flow instance. Both statements are idempotent (a redelivery, or a handler
 * run again in a retried commit group, changes nothing), so neither result is read: they travel with
 * the handler's next statement or the commit.
 */
export async function recordFlowEvent(tx: Tx, spec: ChoreographyApi, envelope: EventEnvelope, now: number): Promise<void> {
  const data = envelope.data as Record<string, unknown> | null;
  const id = data === null || typeof data !== 'object' ? undefined : data[spec.flow.correlationKey];
  if (typeof id !== 'string' || id === '') return; // not a message of an instance (the catalog requires the key)
  const published = Date.parse(envelope.time);
  const at = Number.isFinite(published) ? published : now;
  await executeLater(tx, 'INSERT INTO edasaga_flow_events (flow_id, message_id, type, at, seen_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (flow_id, message_id) DO NOTHING', [id, envelope.id, envelope.type, at, now]);
  const status: FlowStatus = spec.flow.terminal[envelope.type] ?? 'PENDING';
  // The instance may not exist yet (its first event seen before the API's row, or no API at all):
  // one upsert creates it or moves it, and a status once terminal is never changed.
  await executeLater(
    tx,
    `INSERT INTO edasaga_flows (id, flow, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET status = CASE WHEN edasaga_flows.status = 'PENDING' THEN excluded.status ELSE edasaga_flows.status END, updated_at = excluded.updated_at`,
    [id, spec.saga, status, now, now],
  );
}

/** Starts an instance (POST): PENDING, in the transaction that publishes the starting event. */
export async function startFlow(tx: Tx, spec: ChoreographyApi, id: string, now: number): Promise<void> {
  await executeLater(tx, 'INSERT INTO edasaga_flows (id, flow, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING', [id, spec.saga, 'PENDING', now, now]);
}

export interface FlowInstance {
  readonly status: FlowStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** In the order they were published. */
  readonly events: readonly { readonly messageId: string; readonly type: string; readonly at: number; readonly seenAt: number }[];
}

export async function readFlow(tx: Tx, id: string): Promise<FlowInstance | undefined> {
  const [row] = await tx.query<{ status: string; created_at: unknown; updated_at: unknown }>('SELECT status, created_at, updated_at FROM edasaga_flows WHERE id = ?', [id]);
  if (row === undefined) return undefined;
  const events = await tx.query<{ message_id: string; type: string; at: unknown; seen_at: unknown }>('SELECT message_id, type, at, seen_at FROM edasaga_flow_events WHERE flow_id = ? ORDER BY at, seen_at, message_id', [id]);
  return {
    status: row.status === 'COMPLETED' || row.status === 'COMPENSATED' ? row.status : 'PENDING',
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    events: events.map((e) => ({ messageId: e.message_id, type: e.type, at: Number(e.at), seenAt: Number(e.seen_at) })),
  };
}

const topicOfType: ReadonlyMap<string, string> = new Map(Object.values(messages).map((m) => [m.type, m.topic]));

/**
 * A service's parts with the tracking added, when it is the origin of a choreography: each of its
 * handlers of a flow event records the event first (same transaction); an event of the flow it has
 * no handler for gets one that only records; and its migrations gain the flow tables.
 */
export function withFlowTracking(service: string, parts: ServiceParts): ServiceParts {
  const flows = choreographiesOf(service);
  if (flows.length === 0) return parts;
  const handlers: MessageHandler<unknown>[] = [];
  const tracked = new Set<string>();
  for (const handler of parts.handlers) {
    const specs = flows.filter((spec) => spec.flow.events.includes(handler.type));
    // One record per (service, event): a second handler of the same type is left as it is.
    if (specs.length === 0 || tracked.has(handler.type)) {
      handlers.push(handler);
      continue;
    }
    tracked.add(handler.type);
    const inner = handler.handler;
    handlers.push({
      ...handler,
      handler: async (message, ctx) => {
        for (const spec of specs) await recordFlowEvent(ctx.tx, spec, ctx.envelope, ctx.now);
        await inner(message, ctx);
      },
    });
  }
  for (const type of new Set(flows.flatMap((spec) => spec.flow.events))) {
    if (tracked.has(type)) continue;
    const topic = topicOfType.get(type);
    if (topic === undefined) throw new Error(`flow event ${type} is not a message of the catalog`);
    const specs = flows.filter((spec) => spec.flow.events.includes(type));
    handlers.push({
      type,
      topic,
      handler: async (_message, ctx) => {
        for (const spec of specs) await recordFlowEvent(ctx.tx, spec, ctx.envelope, ctx.now);
      },
      transactional: true,
    });
  }
  const known = new Set(parts.migrations.map((m) => m.id));
  return { ...parts, handlers, migrations: [...parts.migrations, ...flowMigrations.filter((m) => !known.has(m.id))] };
}
