// Starts the official OpenTelemetry SDK with its OTLP trace exporter when the environment asks for
// one (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), and nothing otherwise:
// unset, no SDK module is even loaded, and the runtime's spans stay the API's no-ops. The SDK is
// the trace SDK for Node (@opentelemetry/sdk-trace-node) rather than @opentelemetry/sdk-node: the
// newest sdk-node needs Node 22, and it would bring metrics, logs and gRPC along. Everything else
// is the SDK's own reading of the standard variables (endpoint, headers, timeout, compression,
// OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER, OTEL_BSP_*), from process.env.
import type { TracerProvider } from '@opentelemetry/api';

type Env = Readonly<Record<string, string | undefined>>;

/** A tracing setup the environment asks for but that cannot be had; the main prints it in one line (exit 2). */
export class TracingConfigError extends Error {
  override readonly name = 'TracingConfigError';
}

export interface TracingHandle {
  readonly provider: TracerProvider;
  /** `http/protobuf` or `http/json`. */
  readonly protocol: string;
  /** Exports what is buffered and stops: call it after the runtimes stopped, before the process exits. */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  /** `service.name` unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES says otherwise. */
  readonly serviceName?: string;
  /**
   * Register the SDK's AsyncLocalStorage context manager (default true, as the SDK does). The
   * runtime passes trace contexts itself and needs none; without it `context.with` does nothing,
   * and the SDK's own export does not switch on Node 20's promise hooks, which cost every promise
   * of the process (docs/benchmarks.md: about half of tracing's CPU on the SQLite bench). Turn it
   * off when nothing in the process relies on an active context (the HTTP layer then hands its
   * span to runtime.transaction as `{ trace }`).
   */
  readonly contextManager?: boolean;
}

/** Whether the environment asks for an OTLP trace exporter. */
export function tracingRequested(env: Env = process.env): boolean {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return false;
  if ((env['OTEL_TRACES_EXPORTER'] ?? '').trim().toLowerCase() === 'none') return false;
  return nonEmpty(env['OTEL_EXPORTER_OTLP_ENDPOINT']) || nonEmpty(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
}

/**
 * Starts and registers the SDK (tracer provider, AsyncLocalStorage context manager, W3C
 * propagator) when `tracingRequested(env)`; returns undefined, loading nothing, when not.
 */
export async function startTracing(env: Env = process.env, options: StartTracingOptions = {}): Promise<TracingHandle | undefined> {
  if (!tracingRequested(env)) return undefined;
  const protocol = (env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'] ?? 'http/protobuf').trim();
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new TracingConfigError(`OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not supported here; use http/protobuf (the default) or http/json`);
  }
  const [{ NodeTracerProvider, BatchSpanProcessor }, resources, exporterModule] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
    protocol === 'http/json' ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'),
  ]);
  const resource = resources
    .defaultResource()
    .merge(options.serviceName === undefined ? null : resources.resourceFromAttributes({ 'service.name': options.serviceName }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new exporterModule.OTLPTraceExporter())] });
  provider.register(options.contextManager === false ? { contextManager: null } : {});
  return { provider, protocol, shutdown: () => provider.shutdown() };
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}
