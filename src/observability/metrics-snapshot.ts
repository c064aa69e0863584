import type { MetricObjectWithValues, MetricValueWithName } from 'prom-client';

/** The supportdesk://metrics resource: a compact JSON reading of the Prometheus registry. */
export interface MetricsSnapshot {
  tools: Record<string, { calls: number; errors: number; meanMs: number; latencyBuckets: Record<string, number> }>;
  errorsByCode: Record<string, number>;
  cache: { hits: number; misses: number; invalidations: number; listenerUp: boolean | null; listenerReconnects: number };
  retries: number;
  dbErrorsBySqlstateClass: Record<string, number>;
  http: Record<string, number>;
  pool: { total: number; idle: number; waiting: number };
  memory: { rssMiB: number; heapUsedMiB: number; heapTotalMiB: number; externalMiB: number };
}

type Family = MetricObjectWithValues<MetricValueWithName<string>>;

const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export function snapshotOf(families: Family[]): MetricsSnapshot {
  const byName = new Map(families.map((f) => [f.name, f.values]));
  const values = (name: string) => byName.get(name) ?? [];
  const total = (name: string) => values(name).reduce((sum, v) => sum + v.value, 0);
  const byLabel = (name: string, label: string) => {
    const out: Record<string, number> = {};
    for (const v of values(name)) {
      const key = String(v.labels[label]);
      out[key] = (out[key] ?? 0) + v.value;
    }
    return out;
  };

  const tools: MetricsSnapshot['tools'] = {};
  const errorsByTool = byLabel('supportdesk_tool_errors_total', 'tool');
  for (const [tool, calls] of Object.entries(byLabel('supportdesk_tool_calls_total', 'tool'))) {
    const latency = values('supportdesk_tool_duration_seconds').filter((v) => v.labels.tool === tool);
    const sumSeconds = latency.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    const latencyBuckets: Record<string, number> = {};
    for (const v of latency) {
      if (v.metricName?.endsWith('_bucket')) latencyBuckets[`le_${v.labels.le}`] = v.value;
    }
    tools[tool] = { calls, errors: errorsByTool[tool] ?? 0, meanMs: calls ? (sumSeconds * 1000) / calls : 0, latencyBuckets };
  }

  const listener = values('supportdesk_cache_listener_up')[0];
  return {
    tools,
    errorsByCode: byLabel('supportdesk_tool_errors_total', 'code'),
    cache: {
      hits: total('supportdesk_cache_hits_total'),
      misses: total('supportdesk_cache_misses_total'),
      invalidations: total('supportdesk_cache_invalidations_total'),
      listenerUp: listener ? listener.value === 1 : null,
      listenerReconnects: total('supportdesk_cache_listener_reconnects_total'),
    },
    retries: total('supportdesk_db_retries_total'),
    dbErrorsBySqlstateClass: byLabel('supportdesk_db_errors_total', 'sqlstate_class'),
    http: byLabel('supportdesk_http_responses_total', 'status_class'),
    pool: {
      total: total('supportdesk_db_pool_connections'),
      idle: total('supportdesk_db_pool_idle_connections'),
      waiting: total('supportdesk_db_pool_waiting_requests'),
    },
    memory: {
      rssMiB: mib(total('process_resident_memory_bytes')),
      heapUsedMiB: mib(total('nodejs_heap_size_used_bytes')),
      heapTotalMiB: mib(total('nodejs_heap_size_total_bytes')),
      externalMiB: mib(total('nodejs_external_memory_bytes')),
    },
  };
}
