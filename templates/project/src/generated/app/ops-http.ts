// The routes an operator's tools call, on every process: GET /health/live (the process answers),
// GET /health/ready (its databases and broker answer and its services have started; what it waits
// for otherwise), GET /metrics (Prometheus). The HTTP API's server serves them beside its routes; a
// process without an API serves them on OPS_PORT (ops server below), so that Prometheus and the
// orchestrator's probes reach every service, not only the one with the API.
import { fastify, type FastifyInstance } from 'fastify';
import type { Readiness, RuntimeMetrics, ServiceRuntime } from '../runtime/index.js';
import type { ServiceName } from './services.js';

export interface OpsRoutesOptions {
  readonly services: readonly ServiceName[];
  readonly runtimes: ReadonlyMap<ServiceName, ServiceRuntime>;
  readonly readiness?: Readiness | undefined;
  /** Undefined when metrics are off (EDASAGA_METRICS=off): GET /metrics is then 404. */
  readonly metrics?: RuntimeMetrics | undefined;
  /** What GET /health/ready lists as served, e.g. the API paths. */
  readonly apis?: readonly string[];
}

export function registerOpsRoutes(app: FastifyInstance, options: OpsRoutesOptions): void {
  const { services, runtimes, readiness, metrics } = options;
  const ready = async (_request: unknown, reply: { code(status: number): unknown }) => {
    const report = readiness?.report() ?? { ready: true, waitingFor: {} };
    const started = services.every((service) => runtimes.has(service));
    if (!report.ready || !started) reply.code(503);
    return { status: report.ready && started ? 'ready' : 'not ready', services: [...services], apis: [...(options.apis ?? [])], waitingFor: report.waitingFor };
  };
  app.get('/health/live', async () => ({ status: 'live' }));
  app.get('/health/ready', ready);
  // The probe of earlier versions: the same as /health/ready.
  app.get('/health', ready);
  if (metrics !== undefined) {
    // The gauges of stored state are read from the databases now; one that does not answer shows as
    // edasaga_database_up 0 rather than failing the scrape (Prometheus would lose every metric).
    app.get('/metrics', async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.metricsText()));
  }
}

export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** The ops routes alone, listening on `where` (a process without the HTTP API, with OPS_PORT set). */
export async function startOpsServer(options: OpsRoutesOptions, where: { readonly port: number; readonly host: string }): Promise<OpsServer> {
  const app = fastify({ logger: false });
  registerOpsRoutes(app, options);
  await app.listen({ port: where.port, host: where.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : where.port;
  return { url: `http://${where.host.includes(':') ? `[${where.host}]` : where.host}:${port}`, close: () => app.close() };
}
