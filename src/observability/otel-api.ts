import { createRequire } from 'node:module';
import type * as Api from '@opentelemetry/api';

/**
 * The OpenTelemetry API, loaded on first use. Only a process with tracing on (or a test holding a
 * tracer) ever gets here, so a server without OTEL_EXPORTER_OTLP_ENDPOINT never loads it (cold
 * start). Loaded with require, synchronously, because the query hook must read the active context
 * in the caller's async context; the API keeps its state on a process-wide global, so this copy and
 * the one the SDK imports see the same provider and context.
 */
export type OtelApi = typeof Api;

const load = createRequire(import.meta.url);

export const otelApi = (): OtelApi => load('@opentelemetry/api') as OtelApi;
