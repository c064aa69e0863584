import type { Tracer } from '@opentelemetry/api';
import type { LogEvent } from 'kysely';
import { otelApi } from '../observability/otel-api.js';
import type { Metrics } from '../observability/metrics.js';
import { sqlState } from './pg-errors.js';

export interface QueryTelemetry {
  readonly metrics?: Metrics | undefined;
  /** Set only while tracing is on: then each query inside a traced call becomes a child span. */
  readonly tracer?: Tracer | undefined;
  /** The database name, for db.namespace. */
  readonly database?: string | undefined;
}

/**
 * Kysely's query hook (its `log` option, called after every query, BEGIN and COMMIT included, in the
 * caller's async context): counts failures by SQLSTATE class and, when tracing, records a client span
 * for the query under the active tool-call span. Needs no loader hooks, so it works under ESM.
 */
export function queryObserver(telemetry: QueryTelemetry): ((event: LogEvent) => void) | undefined {
  const { metrics, tracer } = telemetry;
  if (!metrics && !tracer) return undefined;
  return (event) => {
    if (event.level === 'error') metrics?.dbError(event.error);
    if (tracer) recordQuerySpan(tracer, event, telemetry.database);
  };
}

function recordQuerySpan(tracer: Tracer, event: LogEvent, database: string | undefined): void {
  const { context, SpanKind, SpanStatusCode, trace } = otelApi();
  const parent = context.active();
  // Only queries made for a traced call: startup, listener and health queries stay out of traces.
  if (!trace.getSpan(parent)) return;
  const end = performance.timeOrigin + performance.now();
  // A prepared statement's sql is pg's query config (db/prepared.ts): its text is what String() gives.
  const text = String(event.query.sql);
  const operation = /^\s*([a-z]+)/i.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  const span = tracer.startSpan(
    operation,
    {
      kind: SpanKind.CLIENT,
      startTime: end - event.queryDurationMillis,
      attributes: {
        'db.system.name': 'postgresql',
        'db.operation.name': operation,
        // Parameterised text only: values travel separately and never reach a span.
        'db.query.text': text,
        ...(database ? { 'db.namespace': database } : {}),
      },
    },
    parent,
  );
  if (event.level === 'error') {
    const state = sqlState(event.error);
    span.setAttribute('error.type', state ?? (event.error instanceof Error ? event.error.name : 'error'));
    if (state) span.setAttribute('db.response.status_code', state);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end(end);
}
