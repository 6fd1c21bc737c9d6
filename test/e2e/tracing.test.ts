// Issue 12: one order is one trace across every process. The generated order system runs as
// `npm run start:dev` (a process per service) on PostgreSQL + NATS with OTEL_EXPORTER_OTLP_ENDPOINT
// pointing at a small OTLP/HTTP JSON receiver in this test, as a collector would be; the spans the
// official SDK exports from the five processes are checked for one trace that goes HTTP → order
// saga → payment → inventory → shipping → completion → notification, with the parents the
// messaging conventions want. The same run scrapes /metrics on a non-API process's OPS_PORT.
import { createServer, type IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, background, freePort, initAndGenerate, projectDir, removeProject, waitFor } from './helpers.js';
import { DATABASE_URL, NATS, available, dropBrokerState, dropSchemas, inCi } from './infra-env.js';

interface ExportedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
}

/** OTLP/JSON ids are hex (the spec's JSON mapping); base64 is accepted too, as protobuf-JSON writers emit it. */
const hex = (id: unknown): string => {
  const text = typeof id === 'string' ? id : '';
  return /^[0-9a-f]*$/i.test(text) ? text.toLowerCase() : Buffer.from(text, 'base64').toString('hex');
};

function receiver(): Promise<{ port: number; spans: ExportedSpan[]; close(): Promise<void> }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(body) as { resourceSpans?: { resource?: { attributes?: { key: string; value: { stringValue?: string } }[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[] };
        for (const resourceSpans of payload.resourceSpans ?? []) {
          const service = resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spans.push({ service, traceId: hex(span['traceId']), spanId: hex(span['spanId']), parentSpanId: hex(span['parentSpanId']), name: String(span['name']), kind: Number(span['kind']) });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address !== null ? address.port : 0, spans, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

const up = available.postgres && available.nats;
const dir = projectDir('tracing');

describe.skipIf(!up && !inCi)('one order, one trace across the processes (PostgreSQL + NATS, OTLP)', () => {
  const id = randomBytes(3).toString('hex');
  const schemaPrefix = `e2e_trace_${id}_`;
  const topicPrefix = `e2e-trace-${id}-`;

  beforeAll(async () => {
    if (!up) throw new Error(`CI: PostgreSQL and NATS must be running (found ${JSON.stringify(available)})`);
    assertBuilt();
    await initAndGenerate(dir);
  }, 120_000);
  afterAll(async () => {
    removeProject(dir);
    await dropSchemas(schemaPrefix);
    await dropBrokerState('nats', topicPrefix).catch(() => undefined);
  }, 60_000);

  it('HTTP → order → payment → inventory → shipping → completion, one trace id, parents as the conventions say; /metrics on OPS_PORT', async () => {
    const otlp = await receiver();
    const port = await freePort();
    const opsBase = await freePort();
    const env = {
      DATABASE_URL,
      EDASAGA_SCHEMA_PREFIX: schemaPrefix,
      EDASAGA_TOPIC_PREFIX: topicPrefix,
      EDASAGA_TRANSPORT: 'nats',
      NATS_URL: NATS,
      LOG_LEVEL: 'warn',
      PG_POOL_SIZE: '3',
      PORT: String(port),
      EDASAGA_OPS_PORT_BASE: String(opsBase),
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlp.port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    const system = background(process.execPath, ['src/generated/scripts/start-dev.mjs'], { cwd: dir, env });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor('the HTTP API', async () => ((await fetch(`${base}/health/ready`).catch(() => undefined))?.ok ? true : undefined), 90_000, system.output);
      // The caller's own trace: the order's spans must continue it.
      const callerTrace = randomBytes(16).toString('hex');
      const response = await fetch(`${base}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${callerTrace}-${randomBytes(8).toString('hex')}-01` },
        body: JSON.stringify({ customerId: 'c-trace', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: { amount: 990, currency: 'EUR' } }], total: { amount: 990, currency: 'EUR' } }),
      });
      expect(response.status).toBe(202);
      const { orderId } = (await response.json()) as { orderId: string };
      await waitFor('the order to be confirmed', async () => (((await (await fetch(`${base}/orders/${orderId}`)).json()) as { status: string }).status === 'CONFIRMED' ? true : undefined), 60_000, system.output);
      const trace = await waitFor(
        'the spans of every service in one trace',
        async () => {
          const spans = otlp.spans.filter((span) => span.traceId === callerTrace);
          const services = new Set(spans.map((span) => span.service));
          return ['order', 'payment', 'inventory', 'shipping', 'notification'].every((s) => services.has(s)) && spans.some((s) => s.name === 'OrderSaga SHIPPING_PENDING -> COMPLETED') ? spans : undefined;
        },
        30_000,
        () => `spans so far: ${otlp.spans.map((s) => `${s.service}:${s.name}`).join(', ')}\n${system.output().slice(-3000)}`,
      );
      const byId = new Map(trace.map((span) => [span.spanId, span]));
      const parentOf = (span: ExportedSpan) => byId.get(span.parentSpanId);
      const one = (service: string, name: string | RegExp) => {
        const found = trace.filter((span) => span.service === service && (typeof name === 'string' ? span.name === name : name.test(span.name)));
        expect(found.length, `${service} ${String(name)} in ${trace.map((s) => `${s.service}:${s.name}`).join(', ')}`).toBeGreaterThanOrEqual(1);
        return found[0]!;
      };
      const http = one('order', 'POST /orders');
      expect(http.kind).toBe(2); // SERVER
      const transaction = one('order', 'order transaction');
      expect(parentOf(transaction)).toBe(http);
      const started = one('order', 'OrderSaga STARTED -> PAYMENT_PENDING');
      const charge = one('payment', /^process .*payment/);
      expect(charge.kind).toBe(5); // CONSUMER
      // The participant's process span is a child of what sent the command: the saga transition.
      expect(parentOf(charge)).toBe(started);
      const reserve = one('inventory', /^process /);
      expect(parentOf(reserve)?.name).toBe('OrderSaga PAYMENT_PENDING -> INVENTORY_PENDING');
      const ship = one('shipping', /^process /);
      expect(parentOf(ship)?.name).toBe('OrderSaga INVENTORY_PENDING -> SHIPPING_PENDING');
      const completed = one('order', 'OrderSaga SHIPPING_PENDING -> COMPLETED');
      expect(parentOf(completed)?.name).toMatch(/^process /);
      expect(parentOf(parentOf(completed)!)?.service).toBe('shipping');
      const notified = one('notification', /^process /);
      expect(parentOf(notified)).toBe(completed);

      // /metrics of a process without the API, on its OPS_PORT (payment is second in the list).
      const metrics = await (await fetch(`http://127.0.0.1:${opsBase + 1}/metrics`)).text();
      expect(metrics).toMatch(/^edasaga_messages_handled_total\{service="payment",type="[^"]*ProcessPayment",outcome="ok"\} 1$/m);
      expect(metrics).toMatch(/^process_cpu_user_seconds_total /m);
    } finally {
      const code = await system.stop(15_000);
      await otlp.close();
      expect(code, system.output().slice(-3000)).toBe(0);
    }
  }, 240_000);
});
