import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Attributes,
  type Context,
  context as otelContext,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Config } from '../config.js';

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

  /** Spans go to OTLP over HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, and to `options.exporter` if given. */
  static create(config: Pick<Config, 'telemetry'>, options: TelemetryOptions = {}): Telemetry {
    const processors: SpanProcessor[] = [];
    if (options.exporter) processors.push(new SimpleSpanProcessor({ exporter: options.exporter }));
    if (config.telemetry.otlpEndpoint)
      processors.push(
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: `${config.telemetry.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }),
        }),
      );
    if (!processors.length) return new Telemetry(undefined, undefined);
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
    const span = this.tracer.startSpan(name, { attributes, kind }, parent);
    try {
      return await this.active.run(trace.setSpan(parent, span), () => fn(span));
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
