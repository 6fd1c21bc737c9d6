// The runtime's spans, through @opentelemetry/api only: without an SDK registered (or given) every
// call below meets the API's no-op tracer and costs next to nothing. Trace structure, after the
// OpenTelemetry messaging semantic conventions (docs/runtime.md, "Tracing"):
//  * the message's creation context, stored with the outbox row as the envelope's
//    traceparent/tracestate, is the span of the unit of work that wrote it (the `process` span of
//    the handler, the saga transition, `<service> transaction` for runtime.transaction): a "custom
//    creation context" in the conventions' words, which then want no `create` span. With
//    `createSpans` every outbox write gets its own `create <topic>` span (PRODUCER, a child of the
//    unit of work) instead, whose context the message carries: the conventions' recommendation for
//    batch senders, and their option to turn off, since it costs a span per message.
//  * `send <topic>` (CLIENT): one per relay batch, a root span linking every message's creation
//    context (a batch mixes messages of many traces, so no parent can be right).
//  * `process <topic>` (CONSUMER): one per delivery, a CHILD of the message's creation context and
//    linking it too (the conventions' option for single-message processing: each delivery here is
//    one message, and the runtime never processes it in the scope of another span: whatever context
//    the transport's callback runs in is ignored).
//  * `<saga> <from> -> <to>` (INTERNAL): one per saga transition, a child of what caused it (the
//    `process` span of the reply, or for a timer the saga's last transition, kept in its row).
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace, type Attributes, type Context, type Link, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { TransportMessage } from '../transport.js';
import { parseTraceparent, remoteContext, traceAttributesOf, type TraceAttributes } from './trace-context.js';

export const TRACER_NAME = 'edasaga-runtime';

export interface TracingOptions {
  /** Default: the globally registered provider (the API's no-op one when no SDK is registered). */
  readonly provider?: TracerProvider;
  /** `messaging.system`: the transport's name (`in-process`, `kafka`, `nats`). */
  readonly system: string;
  /** A `create` span per outbox write (see above). Default false. */
  readonly createSpans?: boolean;
  /**
   * Make the span of a delivery (and of a relay's publish) the ACTIVE context while the handlers
   * (and the transport) run, so that spans of instrumented libraries they call become its children.
   * Off by default: it needs the SDK's AsyncLocalStorage context manager to enter a scope, and on
   * Node 20 an entered AsyncLocalStorage hooks every promise of the process from then on, which
   * cost more than all of the runtime's spans (docs/benchmarks.md). Handlers always have their
   * context as `ctx.trace` (`context.with(ctx.trace, ...)` makes it active where needed).
   */
  readonly activeContext?: boolean;
}

export interface Traced {
  readonly span: Span;
  readonly context: Context;
}

export interface SagaSpanInfo {
  readonly saga: string;
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** What moved it: start, reply, timeout, retry, waiting, operator. */
  readonly event: string;
}

export class RuntimeTracing {
  private readonly tracer: Tracer;
  readonly system: string;
  private readonly createSpans: boolean;
  readonly activeContext: boolean;

  constructor(options: TracingOptions) {
    // A tracer of the global (proxy) provider finds an SDK registered later, too.
    this.tracer = (options.provider ?? trace.getTracerProvider()).getTracer(TRACER_NAME);
    this.system = options.system;
    this.createSpans = options.createSpans === true;
    this.activeContext = options.activeContext === true;
  }

  /** The creation context of one outbox write, as envelope attributes (none when untraced). */
  created(parent: Context | undefined, message: { readonly topic: string; readonly id: string; readonly type: string; readonly correlationid: string | undefined }): TraceAttributes | undefined {
    if (!this.createSpans) {
      const unitOfWork = parent === undefined ? undefined : trace.getSpanContext(parent);
      return unitOfWork === undefined ? undefined : traceAttributesOf(unitOfWork);
    }
    const span = this.tracer.startSpan(`create ${message.topic}`, { kind: SpanKind.PRODUCER }, parent ?? ROOT_CONTEXT);
    if (span.isRecording()) {
      span.setAttributes({
        'messaging.system': this.system,
        'messaging.operation.type': 'create',
        'messaging.operation.name': 'create',
        'messaging.destination.name': message.topic,
        'messaging.message.id': message.id,
        'edasaga.message.type': message.type,
        ...(message.correlationid === undefined ? {} : { 'messaging.message.conversation_id': message.correlationid }),
      });
    }
    span.end();
    return traceAttributesOf(span.spanContext());
  }

  /** Runs the relay's publish of a batch inside its `send` span. */
  async send<T>(messages: readonly TransportMessage[], publish: () => Promise<T>): Promise<T> {
    const topic = messages[0]?.topic;
    const oneTopic = topic !== undefined && messages.every((message) => message.topic === topic);
    const span = this.tracer.startSpan(oneTopic ? `send ${topic}` : 'send', { kind: SpanKind.CLIENT, root: true }, ROOT_CONTEXT);
    if (!span.isRecording()) {
      span.end();
      return publish();
    }
    span.setAttributes({
      'messaging.system': this.system,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.batch.message_count': messages.length,
      ...(oneTopic ? { 'messaging.destination.name': topic } : {}),
      ...(messages.length === 1 && messages[0]?.headers['ce_id'] !== undefined ? { 'messaging.message.id': messages[0].headers['ce_id'] } : {}),
    });
    const links: Link[] = [];
    for (const message of messages) {
      const created = parseTraceparent(message.headers['ce_traceparent'], message.headers['ce_tracestate']);
      if (created !== undefined) links.push({ context: created });
    }
    span.addLinks(links);
    try {
      return await (this.activeContext ? context.with(trace.setSpan(ROOT_CONTEXT, span), publish) : publish());
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** Starts the `process` span of one delivery, a child of the message's creation context. */
  startProcess(message: TransportMessage, group: string, attempt: number): Traced {
    const headers = message.headers;
    const creation = parseTraceparent(headers['ce_traceparent'], headers['ce_tracestate']);
    const parent = creation === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, creation);
    const span = this.tracer.startSpan(`process ${message.topic}`, { kind: SpanKind.CONSUMER, ...(creation === undefined ? {} : { links: [{ context: creation }] }) }, parent);
    if (span.isRecording()) {
      const attributes: Attributes = {
        'messaging.system': this.system,
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': message.topic,
        'messaging.consumer.group.name': group,
        'edasaga.delivery.attempt': attempt,
      };
      if (headers['ce_id'] !== undefined) attributes['messaging.message.id'] = headers['ce_id'];
      if (headers['ce_correlationid'] !== undefined) attributes['messaging.message.conversation_id'] = headers['ce_correlationid'];
      if (headers['ce_type'] !== undefined) attributes['edasaga.message.type'] = headers['ce_type'];
      span.setAttributes(attributes);
    }
    return { span, context: trace.setSpan(parent, span) };
  }

  /** Starts the span of a unit of work that does not start from a message (runtime.transaction). */
  startTransaction(parent: Context | undefined, service: string): Traced {
    const base = parent ?? ROOT_CONTEXT;
    const span = this.tracer.startSpan(`${service} transaction`, { kind: SpanKind.INTERNAL }, base);
    return { span, context: trace.setSpan(base, span) };
  }

  /** Starts the span of a saga transition (or of an event that leaves the saga where it is). */
  startSaga(parent: Context | undefined, info: SagaSpanInfo): Traced {
    const name = info.from === info.to ? `${info.saga} ${info.from} ${info.event}` : `${info.saga} ${info.from} -> ${info.to}`;
    const base = parent ?? ROOT_CONTEXT;
    const span = this.tracer.startSpan(name, { kind: SpanKind.INTERNAL }, base);
    if (span.isRecording()) {
      span.setAttributes({
        'edasaga.saga.type': info.saga,
        'edasaga.saga.id': info.id,
        'edasaga.saga.from': info.from,
        'edasaga.saga.to': info.to,
        'edasaga.saga.event': info.event,
      });
    }
    return { span, context: trace.setSpan(base, span) };
  }
}

/** Ends a span with the outcome of what it covered. */
export function endSpan(span: Span, error?: unknown, attributes?: Attributes): void {
  if (span.isRecording()) {
    if (attributes !== undefined) span.setAttributes(attributes);
    if (error !== undefined) failed(span, error);
  }
  span.end();
}

function failed(span: Span, error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  span.setAttribute('error.type', name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500) });
}

/** The context a unit of work started outside any message runs in: the caller's active one. */
export function activeContext(): Context {
  return context.active();
}

/** The context to continue a saga in when no message caused the change (its timer, an operator). */
export function sagaContext(traceparent: string | undefined): Context | undefined {
  const active = context.active();
  if (trace.getSpan(active) !== undefined) return active;
  return remoteContext(traceparent);
}

/** Runs `fn` with `ctx` as the active context (user handlers start their own spans under it). */
export function runIn<T>(ctx: Context | undefined, fn: () => Promise<T>): Promise<T> {
  return ctx === undefined ? fn() : context.with(ctx, fn);
}
