// startTracing: with no OTLP endpoint in the environment nothing is loaded; with one, the official
// SDK's OTLP exporter sends the runtime's spans to it (a local HTTP receiver standing in for a
// collector).
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { startTracing, tracingRequested, TracingConfigError } from '../../src/runtime/observability/sdk.js';
import { RuntimeTracing } from '../../src/runtime/observability/tracing.js';

const loaded = (name: string): boolean => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes(`/node_modules/@opentelemetry/${name}/`));

describe('startTracing', () => {
  it('loads nothing and registers nothing when no endpoint is set', async () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(await startTracing({})).toBeUndefined();
    expect(loaded('sdk-trace-node')).toBe(false);
    expect(loaded('exporter-trace-otlp-proto')).toBe(false);
    const untraced = new RuntimeTracing({ system: 'in-process' }).startTransaction(undefined, 'payment');
    expect(untraced.span.isRecording()).toBe(false);
    expect(new RuntimeTracing({ system: 'in-process', createSpans: true }).created(undefined, { topic: 't', id: '1', type: 'x', correlationid: '1' })).toBeUndefined();
    await expect(startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).rejects.toThrow(TracingConfigError);
  });

  it('exports the runtime\'s spans over OTLP/HTTP (protobuf) when an endpoint is set', async () => {
    const received: { url: string | undefined; type: string | undefined; bytes: number }[] = [];
    const server = createServer((request: IncomingMessage, response) => {
      let bytes = 0;
      request.on('data', (chunk: Buffer) => (bytes += chunk.length));
      request.on('end', () => {
        received.push({ url: request.url, type: request.headers['content-type'], bytes });
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const endpoint = `http://127.0.0.1:${port}`;
    const saved = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = endpoint; // the exporter reads process.env itself
    try {
      const handle = await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, { serviceName: 'payment' });
      expect(handle?.protocol).toBe('http/protobuf');
      expect(loaded('sdk-trace-node')).toBe(true);
      const tracing = new RuntimeTracing({ system: 'in-process' });
      const unitOfWork = tracing.startTransaction(undefined, 'payment');
      expect(unitOfWork.span.isRecording()).toBe(true);
      const traced = tracing.created(unitOfWork.context, { topic: 'payments', id: 'm-1', type: 'x', correlationid: 'o-1' });
      expect(traced?.traceparent).toBe(`00-${unitOfWork.span.spanContext().traceId}-${unitOfWork.span.spanContext().spanId}-01`);
      unitOfWork.span.end();
      await handle!.shutdown();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ url: '/v1/traces', type: 'application/x-protobuf' });
      expect(received[0]!.bytes).toBeGreaterThan(50);
    } finally {
      if (saved === undefined) delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
      else process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = saved;
      trace.disable();
      server.close();
    }
  });
});
