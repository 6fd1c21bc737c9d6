// The HTTP API that starts sagas and shows how they are doing (Fastify). POST <path> checks the
// body against the catalog's schema of the starting event (the precompiled validator, so the API and
// the consumers agree), minus the id the server assigns; then, in one transaction, it records the
// resource and writes the event to the outbox, and answers 202. GET <path>/:id shows the status and
// the saga's steps so far, each with the service that caused it and when. With tracing on, each
// request is a SERVER span (the caller's `traceparent` its parent) that the order's trace starts from.
import { randomUUID } from 'node:crypto';
import { fastify, type FastifyInstance, type FastifyRequest } from 'fastify';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { isTransient, remoteContext, type Readiness, type RuntimeMetrics, type SagaInstance, type ServiceRuntime } from '../runtime/index.js';
import { apis, serviceOfType, type ApiSpec, type ServiceName } from './services.js';
import { registerOpsRoutes } from './ops-http.js';
import { isChoreography, startFlow } from './flow-tracker.js';
import { flowView } from './flow-http.js';

export interface HttpApi {
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** A body for the demo: what to POST and the status it should end in. */
export interface DemoScenario {
  readonly name: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly expect?: string;
}

interface StoredResource {
  readonly id: string;
  readonly createdAt: number;
}

export interface TimelineStep {
  readonly at: string;
  /** Milliseconds since the request was accepted. */
  readonly elapsedMs: number;
  /** The service whose message caused the step (the orchestrator for timeouts). */
  readonly service: string;
  readonly message: string | null;
  readonly event: string;
  readonly from: string;
  readonly to: string;
  readonly note: string | null;
}

const shortName = (type: string): string => type.slice(type.lastIndexOf('.') + 1);
/** `sent com.example.orders.ProcessPayment` -> `sent ProcessPayment`. */
const shortNote = (note: string): string => note.replace(/\b(?:[A-Za-z0-9_-]+\.)+([A-Z][A-Za-z0-9_]*)/g, '$1');

function statusOf(spec: ApiSpec, saga: SagaInstance | undefined): string {
  if (saga === undefined) return 'PENDING';
  if (saga.state === 'COMPLETED') return spec.statuses.COMPLETED;
  if (saga.state === 'COMPENSATED') return spec.statuses.COMPENSATED;
  if (saga.state === 'FAILED') return spec.statuses.FAILED;
  return 'PENDING';
}

function badRequest(field: string, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { error: 'Bad Request', field, message, ...extra };
}

/** Thrown by a route while its service cannot work (starting, database or broker away): answered 503. */
class NotReady extends Error {
  readonly statusCode = 503;
}

/**
 * The routes of one API. `runtimeOf` answers once the service has started; until then, and while
 * the process is not ready, requests get 503 with Retry-After, which clients and load balancers
 * take as "try again shortly".
 */
function routes(app: FastifyInstance, spec: ApiSpec, runtimeOf: () => ServiceRuntime | undefined, readiness: Readiness | undefined, traceOf: (request: FastifyRequest) => Context | undefined): void {
  const collection = `api:${spec.resource}`;
  const ready = (): ServiceRuntime => {
    const runtime = runtimeOf();
    if (runtime === undefined || readiness?.ready === false) throw new NotReady(`${spec.service} is not ready: ${Object.entries(readiness?.report().waitingFor ?? { [spec.service]: 'starting' }).map(([part, why]) => `${part}: ${why}`).join('; ')}`);
    return runtime;
  };
  app.post(spec.path, async (request, reply) => {
    const runtime = ready();
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return reply.code(400).send(badRequest('(body)', 'the body must be a JSON object'));
    }
    if (spec.idField in body) {
      return reply.code(400).send(badRequest(spec.idField, `${spec.idField} is assigned by the server; leave it out`));
    }
    const id = randomUUID();
    const checked = spec.message.validate({ ...body, [spec.idField]: id });
    if (!checked.ok) {
      const first = checked.errors[0];
      const field = first?.field ?? '(body)';
      return reply.code(400).send(badRequest(field, `${field} ${first?.message ?? 'is invalid'}`, { errors: checked.errors }));
    }
    const data = checked.value as Record<string, unknown>;
    await runtime.transaction(
      async (uow) => {
        const resource: StoredResource = { id, createdAt: uow.now };
        await uow.state.put(collection, id, resource);
        if (isChoreography(spec)) await startFlow(uow.tx, spec, id, uow.now);
        await uow.publish({
          type: spec.message.type,
          topic: spec.message.topic,
          key: String(data[spec.message.key] ?? id),
          dataversion: spec.message.version,
          data,
          correlationid: id,
        });
        uow.log.info({ [spec.idField]: id }, `${spec.message.name} accepted`);
      },
      { correlationid: id, ...withTrace(traceOf(request)) },
    );
    return reply.code(202).header('location', `${spec.path}/${id}`).send({ [spec.idField]: id, status: 'PENDING' });
  });

  app.get<{ Params: { id: string } }>(`${spec.path}/:id`, async (request, reply) => {
    const runtime = ready();
    const id = request.params.id;
    const resource = await runtime.transaction((uow) => uow.state.get<StoredResource>(collection, id));
    if (resource === undefined) return reply.code(404).send({ error: 'Not Found', message: `no ${spec.resource} ${id}` });
    if (isChoreography(spec)) return flowView(runtime, spec, id, resource.createdAt);
    const engine = runtime.saga(spec.saga);
    const saga = await engine.get(id);
    const history = saga === undefined ? [] : await engine.history(id);
    const steps: TimelineStep[] = history.map((entry) => ({
      at: new Date(entry.at).toISOString(),
      elapsedMs: entry.at - resource.createdAt,
      service: entry.messageType === undefined ? spec.service : (serviceOfType[entry.messageType] ?? '?'),
      message: entry.messageType === undefined ? null : shortName(entry.messageType),
      event: entry.event,
      from: entry.from,
      to: entry.to,
      note: entry.note === undefined ? null : shortNote(entry.note),
    }));
    return {
      [spec.idField]: id,
      status: statusOf(spec, saga),
      state: saga?.state ?? 'NOT_STARTED',
      createdAt: new Date(resource.createdAt).toISOString(),
      updatedAt: saga === undefined ? null : new Date(saga.updatedAt).toISOString(),
      steps,
    };
  });
}

const withTrace = (context: Context | undefined): { trace?: Context } => (context === undefined ? {} : { trace: context });

export interface HttpAppOptions {
  readonly readiness?: Readiness | undefined;
  /** Served at GET /metrics when given. */
  readonly metrics?: RuntimeMetrics | undefined;
  /**
   * A SERVER span per API request (tracing started: OTEL_EXPORTER_OTLP_ENDPOINT). Off, no hook runs
   * at all: the API's no-op spans are cheap, but two hooks per request are not free on this path.
   */
  readonly tracing?: boolean;
}

/**
 * The Fastify app with the routes of every API of `services` (those this process runs; not
 * listening), plus the ops routes (ops-http.ts). Their runtimes are looked up per request, so the
 * app can listen before they have started: GET /health/live answers at once, GET /health/ready
 * (and /health) once `readiness` says so.
 */
export function buildHttpApp(services: readonly ServiceName[], runtimes: ReadonlyMap<ServiceName, ServiceRuntime>, options: HttpAppOptions = {}): FastifyInstance | undefined {
  const served = apis.filter((spec) => services.includes(spec.service));
  if (served.length === 0) return undefined;
  const app = fastify({ logger: false });
  registerOpsRoutes(app, { services, runtimes, readiness: options.readiness, metrics: options.metrics, apis: served.map((s) => s.path) });
  const spans = new WeakMap<FastifyRequest, { span: Span; context: Context }>();
  if (options.tracing === true) {
    const tracer = trace.getTracer('edasaga-http');
    const apiPaths = served.map((spec) => spec.path);
    app.addHook('onRequest', async (request) => {
      const route = request.routeOptions.url;
      if (route === undefined || !apiPaths.some((path) => route === path || route.startsWith(`${path}/`))) return;
      const header = (name: string): string | undefined => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const parent = remoteContext(header('traceparent'), header('tracestate')) ?? ROOT_CONTEXT;
      const span = tracer.startSpan(`${request.method} ${route}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': request.url.split('?')[0]! } }, parent);
      spans.set(request, { span, context: trace.setSpan(parent, span) });
    });
    app.addHook('onResponse', async (request, reply) => {
      const traced = spans.get(request);
      if (traced === undefined) return;
      traced.span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) traced.span.setStatus({ code: SpanStatusCode.ERROR });
      traced.span.end();
    });
  }
  for (const spec of served) routes(app, spec, () => runtimes.get(spec.service), options.readiness, (request) => spans.get(request)?.context);
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    // A database or broker away mid-request is "try again", not a failure of the server.
    const status = error.statusCode ?? (isTransient(error) ? 503 : 500);
    if (status === 503) {
      void reply.code(503).header('retry-after', '1').send({ error: 'Service Unavailable', message: error.message });
      return;
    }
    if (status >= 500) runtimes.get(served[0]!.service)?.logger.error({ err: error, url: request.url }, 'request failed');
    void reply.code(status).send(status >= 500 ? { error: 'Internal Server Error' } : { error: 'Bad Request', message: error.message });
  });
  return app;
}

export async function startHttpApi(
  services: readonly ServiceName[],
  runtimes: ReadonlyMap<ServiceName, ServiceRuntime>,
  where: { readonly port: number; readonly host: string },
  options: HttpAppOptions = {},
): Promise<HttpApi | undefined> {
  const app = buildHttpApp(services, runtimes, options);
  if (app === undefined) return undefined;
  await app.listen({ port: where.port, host: where.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : where.port;
  const url = `http://${where.host.includes(':') ? `[${where.host}]` : where.host}:${port}`;
  return { url, app, close: () => app.close() };
}
