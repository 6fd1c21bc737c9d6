// GET <path>/:id for an API that starts a choreography: the status and timeline come from the
// origin service's flow record (flow-tracker.ts), not from a saga engine, in the same JSON shape as
// an orchestrated saga's, so clients and `npm run demo` read both alike. Each step is an event of
// the flow the origin saw: the service that published it, when, and the status it moved the order to.
import type { ServiceRuntime } from '../runtime/index.js';
import { readFlow, type ChoreographyApi, type FlowStatus } from './flow-tracker.js';
import { serviceOfType } from './services.js';
import type { TimelineStep } from './http.js';

const shortName = (type: string): string => type.slice(type.lastIndexOf('.') + 1);

function shown(spec: ChoreographyApi, status: FlowStatus): string {
  return status === 'PENDING' ? 'PENDING' : spec.statuses[status];
}

/** The view of one instance; `createdAt` is when the API accepted it. */
export async function flowView(runtime: ServiceRuntime, spec: ChoreographyApi, id: string, createdAt: number): Promise<Record<string, unknown>> {
  const flow = await runtime.transaction((uow) => readFlow(uow.tx, id));
  // The timeline is replayed in publication order: PENDING until the first terminal event.
  let status: FlowStatus = 'PENDING';
  const steps: TimelineStep[] = (flow?.events ?? []).map((event) => {
    const from = status;
    if (status === 'PENDING') status = spec.flow.terminal[event.type] ?? 'PENDING';
    return {
      at: new Date(event.at).toISOString(),
      elapsedMs: event.at - createdAt,
      service: serviceOfType[event.type] ?? '?',
      message: shortName(event.type),
      event: 'published',
      from: shown(spec, from),
      to: shown(spec, status),
      note: null,
    };
  });
  const state = flow?.status ?? 'PENDING';
  return {
    [spec.idField]: id,
    status: shown(spec, state),
    state,
    createdAt: new Date(createdAt).toISOString(),
    updatedAt: flow === undefined ? null : new Date(flow.updatedAt).toISOString(),
    steps,
  };
}
