import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  context as otelContext,
  type Span,
  SpanKind,
  type SpanStatus,
  SpanStatusCode,
  type TimeInput,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { SpanExporter, SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Config } from '../config.js';
import { redactText } from '../privacy/redact.js';
import { ATTR_SERVICE_NAME } from './semconv.js';

export interface TelemetryOptions {
  /** Export spans here as they end (tests pass an InMemorySpanExporter). */
  exporter?: SpanExporter;
}

/**
 * Tracing for one app: its own TracerProvider and its own span context (AsyncLocalStorage), so nothing
 * is registered globally and two apps in one process (tests) never mix spans. Disabled, it costs a
 * function call per span.
 */
export class Telemetry {
  private readonly active = new AsyncLocalStorage<Context>();

  private constructor(
    private readonly tracer: Tracer | undefined,
    private readonly provider: TracerProvider | undefined,
  ) {}

  /**
   * Spans go to OTLP over HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, and to `options.exporter` if given.
   * The SDK and the exporter are loaded only then: a replica that does not trace keeps their ~6 MiB.
   */
  static async create(config: Pick<Config, 'telemetry'>, options: TelemetryOptions = {}): Promise<Telemetry> {
    const endpoint = config.telemetry.otlpEndpoint;
    if (!options.exporter && !endpoint) return new Telemetry(undefined, undefined);
    const { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider } = await import('@opentelemetry/sdk-trace');
    const { resourceFromAttributes } = await import('@opentelemetry/resources');
    const processors: SpanProcessor[] = [];
    if (options.exporter) processors.push(new SimpleSpanProcessor({ exporter: options.exporter }));
    if (endpoint) {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      processors.push(
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }),
        }),
      );
    }
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.telemetry.serviceName }),
      spanProcessors: processors,
    });
    return new Telemetry(provider.getTracer('baton'), provider);
  }

  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  /**
   * Runs `fn` inside a span that is the parent of spans started within it (across awaits). The span
   * records an exception and ERROR status when `fn` throws; `fn` may add attributes as it learns them.
   */
  async span<T>(
    name: string,
    attributes: Attributes,
    fn: (span: Span | undefined) => Promise<T>,
    kind: SpanKind = SpanKind.INTERNAL,
  ): Promise<T> {
    if (!this.tracer) return fn(undefined);
    const parent = this.active.getStore() ?? otelContext.active();
    const raw = this.tracer.startSpan(name, { attributes: redactAttributes(attributes), kind }, parent);
    const span = redactingSpan(raw);
    try {
      return await this.active.run(trace.setSpan(parent, raw), () => fn(span));
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  }

  /** Exports what is pending and stops; spans after this are dropped. */
  async shutdown(): Promise<void> {
    await this.provider?.shutdown();
  }

  async flush(): Promise<void> {
    await this.provider?.forceFlush();
  }
}

const redactValue = (v: unknown) =>
  typeof v === 'string'
    ? redactText(v)
    : Array.isArray(v)
      ? v.map((x) => (typeof x === 'string' ? redactText(x) : x))
      : v;

/** Attributes with personal data (emails, phones, addresses, payment method ids, tokens) redacted. */
function redactAttributes(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, redactValue(v)])) as Attributes;
}

/**
 * The span as `fn` sees it: whatever it records (attributes, status, exceptions) is redacted first,
 * so no personal data reaches an exporter whatever a tool or model error said.
 */
function redactingSpan(span: Span): Span {
  return new Proxy(span, {
    get(target, prop, receiver) {
      // Each returns the proxy, as the span's own methods return the span, so chained calls stay redacted.
      if (prop === 'setAttribute')
        return (key: string, value: AttributeValue) => {
          target.setAttribute(key, redactValue(value) as AttributeValue);
          return receiver;
        };
      if (prop === 'setAttributes')
        return (attrs: Attributes) => {
          target.setAttributes(redactAttributes(attrs));
          return receiver;
        };
      if (prop === 'setStatus')
        return (status: SpanStatus) => {
          target.setStatus(status.message ? { ...status, message: redactText(status.message) } : status);
          return receiver;
        };
      if (prop === 'recordException')
        return (exception: Exception, time?: TimeInput) =>
          target.recordException(
            exception instanceof Error
              ? {
                  name: exception.name,
                  message: redactText(exception.message),
                  stack: exception.stack && redactText(exception.stack),
                }
              : typeof exception === 'string'
                ? redactText(exception)
                : exception,
            time,
          );
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
