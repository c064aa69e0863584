import type { TextMapGetter, Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { otelApi } from './otel-api.js';

/**
 * OpenTelemetry tracing, on only when an OTLP endpoint is configured: then the SDK is loaded, a
 * provider registered (W3C trace context, async-local context) and spans exported over OTLP
 * (http/protobuf; the exporter reads the standard OTEL_EXPORTER_OTLP_* variables). Off, nothing
 * of the SDK is loaded and tool calls and queries take no tracing path at all.
 */
export interface Tracing {
  readonly tracer: Tracer;
  /** Flushes pending spans and unregisters. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** Tests pass an in-memory exporter (spans then go out one by one); production uses OTLP. */
  readonly exporter?: SpanExporter;
}

export async function startTracing(options: TracingOptions): Promise<Tracing> {
  const { NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-node');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter());
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': options.serviceVersion }),
    spanProcessors: [processor],
  });
  provider.register();
  return {
    tracer: provider.getTracer('supportdesk-mcp', options.serviceVersion),
    shutdown: () => provider.shutdown(),
  };
}

/** Reads trace context keys (traceparent, tracestate, baggage) from a request's params._meta. */
const metaGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (meta) => Object.keys(meta),
  get: (meta, key) => {
    const value = meta[key];
    return typeof value === 'string' ? value : undefined;
  },
};

export interface ToolCallInfo {
  readonly tool: string;
  readonly requestId?: string | number | undefined;
  /** The request's params._meta, where a client puts its traceparent (MCP semantic conventions). */
  readonly meta?: Record<string, unknown> | undefined;
  readonly sessionId?: string | undefined;
}

/**
 * Runs one tool call inside a server span named `tools/call <tool>` with the MCP semantic
 * conventions' attributes, parented on the caller's traceparent when `_meta` carries one.
 * Without a tracer it only runs the call.
 */
export function traceToolCall(tracer: Tracer | undefined, call: ToolCallInfo, run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  if (!tracer) return run();
  const { context, propagation, SpanKind, SpanStatusCode } = otelApi();
  const parent = call.meta ? propagation.extract(context.active(), call.meta, metaGetter) : context.active();
  const attributes = {
    'mcp.method.name': 'tools/call',
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': call.tool,
    ...(call.requestId !== undefined ? { 'jsonrpc.request.id': String(call.requestId) } : {}),
    ...(call.sessionId ? { 'mcp.session.id': call.sessionId } : {}),
  };
  return tracer.startActiveSpan(`tools/call ${call.tool}`, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
    try {
      const result = await run();
      if (result.isError) {
        span.setAttribute('error.type', 'tool_error');
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      return result;
    } catch (err) {
      span.setAttribute('error.type', err instanceof Error ? err.name : 'error');
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}
