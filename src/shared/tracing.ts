import { AsyncLocalStorage } from 'node:async_hooks';
import {
  Attributes,
  Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
  Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  SpanExporter,
  SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export { SpanKind };
export type { Span };

/**
 * OpenTelemetry traces (docs/deployment.md#traces). Off unless an OTLP endpoint is configured: then
 * every method is a plain call-through and nothing is recorded. No global provider, context manager
 * or propagator is registered: the container owns this object, and the active span lives in its
 * own AsyncLocalStorage, as the row-security context does (row-security.ts).
 *
 * Spans carry ids, types and outcomes only, never names, birth dates, addresses, free text,
 * GraphQL variables or SQL; there is deliberately no auto-instrumentation of http or pg, which
 * would record URLs and statements.
 */
export interface TracingConfig {
  /** Full OTLP/HTTP traces URL (…/v1/traces); unset: tracing is off. */
  endpoint?: string;
  serviceName: string;
  /** Tests only: spans go here, each as soon as it ends, instead of to an OTLP endpoint. */
  exporter?: SpanExporter;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /**
   * The parent: a W3C `traceparent` (from a header, an outbox row, a job), or null for a new trace.
   * Undefined: the span active in the caller's async context, if any.
   */
  parent?: string | null;
}

export class Tracing {
  private readonly storage = new AsyncLocalStorage<Context>();
  private readonly propagator = new W3CTraceContextPropagator();
  /** What callers get while tracing is off: recording nothing. */
  private readonly noop: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

  constructor(
    private readonly tracer?: Tracer,
    private readonly provider?: BasicTracerProvider,
  ) {}

  /** False: nothing is recorded, every method is a call-through. */
  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  /**
   * Runs `fn` inside a new span, which ends when `fn` settles. A thrown error marks the span as
   * failed with the error's class name only (messages can quote input).
   */
  span<T>(name: string, opts: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
    if (!this.tracer) return fn(this.noop);
    const span = this.start(name, opts);
    return this.storage.run(trace.setSpan(ROOT_CONTEXT, span), async () => {
      try {
        return await fn(span);
      } catch (err) {
        this.failed(span, err);
        throw err;
      } finally {
        span.end();
      }
    });
  }

  /**
   * A span the caller ends itself, not made active: for several at once (one per row of a batch).
   * Its parent is chosen as in `span`.
   */
  start(name: string, opts: SpanOptions): Span {
    if (!this.tracer) return this.noop;
    const parent =
      opts.parent === undefined ? this.context() : opts.parent === null ? ROOT_CONTEXT : this.extract(opts.parent);
    return this.tracer.startSpan(name, { kind: opts.kind, attributes: opts.attributes }, parent);
  }

  /** `span` as a W3C `traceparent` (undefined while tracing is off). */
  traceparentOf(span: Span): string | undefined {
    if (!this.tracer) return undefined;
    const carrier: Record<string, string> = {};
    this.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
    return carrier.traceparent;
  }

  /** The span of the caller's async context (a non-recording one when there is none). */
  active(): Span {
    if (!this.tracer) return this.noop;
    return trace.getSpan(this.context()) ?? this.noop;
  }

  /** The caller's span as a W3C `traceparent`, to carry along (outbox row, job, header); undefined when there is none. */
  traceparent(): string | undefined {
    if (!this.tracer) return undefined;
    const carrier: Record<string, string> = {};
    this.propagator.inject(this.context(), carrier, defaultTextMapSetter);
    return carrier.traceparent;
  }

  /** Adds `traceparent` (and `tracestate`) of the caller's span to outgoing headers. */
  inject(headers: Record<string, string>): void {
    if (this.tracer) this.propagator.inject(this.context(), headers, defaultTextMapSetter);
  }

  /** Marks `span` as failed by the class name of `err` (never its message, which can quote input). */
  failed(span: Span, err: unknown): void {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', (err as Error)?.name ?? 'Error');
  }

  /** Exports what is still buffered. */
  async flush(): Promise<void> {
    await this.provider?.forceFlush();
  }

  /** Exports what is still buffered and stops (the container's close). */
  async close(): Promise<void> {
    await this.provider?.shutdown();
  }

  private context(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  private extract(traceparent: string): Context {
    return this.propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
  }
}

/** Tracing off: what a container gets without an endpoint, and what classes default to. */
export const noTracing = (): Tracing => new Tracing();

/** Builds tracing from config: off without an endpoint, else OTLP/HTTP with a batch processor. */
export function createTracing(cfg: TracingConfig): Tracing {
  let processor: SpanProcessor;
  if (cfg.exporter) processor = new SimpleSpanProcessor(cfg.exporter);
  else if (cfg.endpoint) processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: cfg.endpoint }));
  else return noTracing();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: cfg.serviceName }),
    spanProcessors: [processor],
  });
  return new Tracing(provider.getTracer('lotse'), provider);
}
