// W3C Trace Context (`traceparent`, `tracestate`) as the CloudEvents distributed-tracing extension
// carries it: the two envelope attributes, `ce_traceparent` / `ce_tracestate` in binary mode.
// Hand-written rather than the W3C propagator of @opentelemetry/core: that is an SDK package the
// runtime must not need, and the extension fixes the W3C format whatever propagator an application
// configures globally (B3, Jaeger). The format is four dash-separated hex fields.
import { INVALID_SPANID, INVALID_TRACEID, ROOT_CONTEXT, TraceFlags, createTraceState, trace, type Context, type SpanContext } from '@opentelemetry/api';

/** version-traceid-spanid-flags; versions above 00 may append fields, which are ignored. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export interface TraceAttributes {
  readonly traceparent: string;
  readonly tracestate?: string;
}

export function formatTraceparent(spanContext: SpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00'}`;
}

/**
 * Whether a span context names a span: the API's isSpanContextValid also checks the ids' format
 * with regular expressions, which a traceparent parsed here or ids from the SDK already have; on
 * the path of every message that was a measurable part of tracing's cost (docs/benchmarks.md).
 */
function names(spanContext: SpanContext): boolean {
  return spanContext.traceId !== INVALID_TRACEID && spanContext.spanId !== INVALID_SPANID && spanContext.traceId.length === 32 && spanContext.spanId.length === 16;
}

/** The attributes for a span context, or undefined when it is not valid (nothing is traced). */
export function traceAttributesOf(spanContext: SpanContext): TraceAttributes | undefined {
  if (!names(spanContext)) return undefined;
  const state = spanContext.traceState?.serialize();
  return { traceparent: formatTraceparent(spanContext), ...(state === undefined || state === '' ? {} : { tracestate: state }) };
}

/** The remote span context a `traceparent` names, or undefined when it is absent or malformed. */
export function parseTraceparent(traceparent: string | undefined, tracestate?: string): SpanContext | undefined {
  if (traceparent === undefined) return undefined;
  const match = TRACEPARENT.exec(traceparent);
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is forbidden; version 00 has exactly four fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(tracestate === undefined || tracestate === '' ? {} : { traceState: createTraceState(tracestate) }),
  };
  return names(spanContext) ? spanContext : undefined;
}

/** A context whose parent is the remote span a `traceparent` names (undefined when there is none). */
export function remoteContext(traceparent: string | undefined, tracestate?: string): Context | undefined {
  const spanContext = parseTraceparent(traceparent, tracestate);
  return spanContext === undefined ? undefined : trace.setSpanContext(ROOT_CONTEXT, spanContext);
}
