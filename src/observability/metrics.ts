import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sqlState } from '../db/pg-errors.js';
import { type MetricsSnapshot, snapshotOf } from './metrics-snapshot.js';

export type { MetricsSnapshot } from './metrics-snapshot.js';

/** Tool latency buckets in seconds: sub-millisecond cache hits up to the statement timeout. */
const LATENCY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface PoolProbe {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * The process's metrics: one prom-client registry that /metrics exposes as Prometheus text and the
 * supportdesk://metrics resource summarises as JSON. Nothing is counted anywhere else.
 */
export class Metrics {
  readonly registry = new Registry();
  private poolProbe: (() => PoolProbe) | undefined;

  private readonly toolCalls = this.counter('supportdesk_tool_calls_total', 'Tool calls, by tool.', ['tool']);
  private readonly toolErrors = this.counter('supportdesk_tool_errors_total', 'Tool calls answered with isError, by tool and error code.', ['tool', 'code']);
  private readonly toolDuration = new Histogram({
    name: 'supportdesk_tool_duration_seconds',
    help: 'Tool call latency inside the server, by tool.',
    labelNames: ['tool'],
    buckets: LATENCY_BUCKETS_S,
    registers: [this.registry],
  });
  private readonly cacheHits = this.counter('supportdesk_cache_hits_total', 'Read cache hits.');
  private readonly cacheMisses = this.counter('supportdesk_cache_misses_total', 'Read cache misses.');
  private readonly cacheInvalidations = this.counter('supportdesk_cache_invalidations_total', 'Cache entries dropped because a write (here or in another process) touched them.');
  private readonly retries = this.counter('supportdesk_db_retries_total', 'Database operations retried after a transient error.');
  private readonly dbErrors = this.counter('supportdesk_db_errors_total', 'Failed database queries, by SQLSTATE class ("client" when the driver failed without one).', ['sqlstate_class']);
  private readonly httpResponses = this.counter('supportdesk_http_responses_total', 'HTTP responses, by status class.', ['status_class']);
  private readonly listenerReconnects = this.counter('supportdesk_cache_listener_reconnects_total', 'Times the cache invalidation listener reconnected (each clears the cache).');
  private readonly listenerUp = new Gauge({
    name: 'supportdesk_cache_listener_up',
    help: '1 while the cache invalidation listener is connected, 0 while it is not (the cache is bypassed meanwhile).',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const poolGauge = (name: string, help: string, pick: (p: PoolProbe) => number) => {
      const probe = () => this.poolProbe;
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const p = probe();
          if (p) this.set(pick(p()));
        },
      });
    };
    poolGauge('supportdesk_db_pool_connections', 'Connections the pool holds (busy and idle).', (p) => p.total);
    poolGauge('supportdesk_db_pool_idle_connections', 'Idle connections in the pool.', (p) => p.idle);
    poolGauge('supportdesk_db_pool_waiting_requests', 'Requests waiting for a pool connection.', (p) => p.waiting);
  }

  /** One tool call: its latency, and the error code when the result was an isError. */
  recordCall(tool: string, ms: number, isError: boolean, errorCode?: string): void {
    this.toolCalls.inc({ tool });
    this.toolDuration.observe({ tool }, ms / 1000);
    if (isError) this.toolErrors.inc({ tool, code: errorCode ?? 'UNKNOWN' });
  }

  cacheHit(): void {
    this.cacheHits.inc();
  }
  cacheMiss(): void {
    this.cacheMisses.inc();
  }
  cacheInvalidated(count: number): void {
    if (count > 0) this.cacheInvalidations.inc(count);
  }
  retried(): void {
    this.retries.inc();
  }
  /** A failed query, counted by the class of its SQLSTATE (first two characters). */
  dbError(err: unknown): void {
    this.dbErrors.inc({ sqlstate_class: sqlState(err)?.slice(0, 2) ?? 'client' });
  }
  recordHttpResponse(status: number): void {
    this.httpResponses.inc({ status_class: `${Math.floor(status / 100)}xx` });
  }
  cacheListener(state: 'up' | 'down' | 'reconnected'): void {
    if (state === 'reconnected') this.listenerReconnects.inc();
    this.listenerUp.set(state === 'down' ? 0 : 1);
  }
  watchPool(probe: () => PoolProbe): void {
    this.poolProbe = probe;
  }

  /** The JSON summary behind the supportdesk://metrics resource, read from the registry. */
  async snapshot(): Promise<MetricsSnapshot> {
    return snapshotOf(await this.registry.getMetricsAsJSON());
  }

  /** Prometheus text exposition, as prom-client renders it. */
  toPrometheus(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private counter(name: string, help: string, labelNames: string[] = []): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
