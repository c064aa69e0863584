/** Per-tool counters and latency histograms, plus cache, pool and retry counts. */

const BUCKETS_MS = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

interface ToolStats {
  calls: number;
  errors: number;
  sumMs: number;
  buckets: number[];
}

export interface MetricsSnapshot {
  tools: Record<string, { calls: number; errors: number; meanMs: number; buckets: Record<string, number> }>;
  cache: { hits: number; misses: number; invalidations: number };
  retries: number;
  /** HTTP responses by status class (2xx, 4xx, 5xx ...); empty on stdio. */
  http: Record<string, number>;
  pool?: { total: number; idle: number; waiting: number };
  memory: { rssMiB: number; heapUsedMiB: number; heapTotalMiB: number; externalMiB: number };
}

const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export class Metrics {
  private readonly tools = new Map<string, ToolStats>();
  private readonly counters = { cacheHits: 0, cacheMisses: 0, cacheInvalidations: 0, retries: 0 };
  private readonly httpResponses = new Map<string, number>();
  private poolProbe: (() => { total: number; idle: number; waiting: number }) | undefined;

  recordCall(tool: string, ms: number, isError: boolean): void {
    let s = this.tools.get(tool);
    if (!s) {
      s = { calls: 0, errors: 0, sumMs: 0, buckets: new Array<number>(BUCKETS_MS.length + 1).fill(0) };
      this.tools.set(tool, s);
    }
    s.calls += 1;
    if (isError) s.errors += 1;
    s.sumMs += ms;
    let i = BUCKETS_MS.findIndex((b) => ms <= b);
    if (i === -1) i = BUCKETS_MS.length;
    s.buckets[i] = (s.buckets[i] ?? 0) + 1;
  }

  cacheHit(): void {
    this.counters.cacheHits += 1;
  }
  cacheMiss(): void {
    this.counters.cacheMisses += 1;
  }
  cacheInvalidated(count: number): void {
    this.counters.cacheInvalidations += count;
  }
  recordHttpResponse(status: number): void {
    const statusClass = `${Math.floor(status / 100)}xx`;
    this.httpResponses.set(statusClass, (this.httpResponses.get(statusClass) ?? 0) + 1);
  }
  retried(): void {
    this.counters.retries += 1;
  }
  watchPool(probe: () => { total: number; idle: number; waiting: number }): void {
    this.poolProbe = probe;
  }

  snapshot(): MetricsSnapshot {
    const tools: MetricsSnapshot['tools'] = {};
    for (const [name, s] of this.tools) {
      const buckets: Record<string, number> = {};
      let cumulative = 0;
      BUCKETS_MS.forEach((b, i) => {
        cumulative += s.buckets[i] ?? 0;
        buckets[`le_${b}`] = cumulative;
      });
      buckets.le_inf = s.calls;
      tools[name] = { calls: s.calls, errors: s.errors, meanMs: s.calls ? s.sumMs / s.calls : 0, buckets };
    }
    return {
      tools,
      cache: { hits: this.counters.cacheHits, misses: this.counters.cacheMisses, invalidations: this.counters.cacheInvalidations },
      retries: this.counters.retries,
      http: Object.fromEntries(this.httpResponses),
      ...(this.poolProbe ? { pool: this.poolProbe() } : {}),
      memory: (({ rss, heapUsed, heapTotal, external }) => ({
        rssMiB: mib(rss),
        heapUsedMiB: mib(heapUsed),
        heapTotalMiB: mib(heapTotal),
        externalMiB: mib(external),
      }))(process.memoryUsage()),
    };
  }

  /** Prometheus text exposition format. */
  toPrometheus(): string {
    const snap = this.snapshot();
    const lines: string[] = [
      '# TYPE supportdesk_tool_calls_total counter',
      '# TYPE supportdesk_tool_errors_total counter',
      '# TYPE supportdesk_tool_latency_ms histogram',
    ];
    for (const [tool, t] of Object.entries(snap.tools)) {
      lines.push(`supportdesk_tool_calls_total{tool="${tool}"} ${t.calls}`);
      lines.push(`supportdesk_tool_errors_total{tool="${tool}"} ${t.errors}`);
      for (const [le, n] of Object.entries(t.buckets)) {
        const bound = le === 'le_inf' ? '+Inf' : le.slice(3);
        lines.push(`supportdesk_tool_latency_ms_bucket{tool="${tool}",le="${bound}"} ${n}`);
      }
      lines.push(`supportdesk_tool_latency_ms_sum{tool="${tool}"} ${t.meanMs * t.calls}`);
      lines.push(`supportdesk_tool_latency_ms_count{tool="${tool}"} ${t.calls}`);
    }
    lines.push(`supportdesk_cache_hits_total ${snap.cache.hits}`);
    lines.push(`supportdesk_cache_misses_total ${snap.cache.misses}`);
    lines.push(`supportdesk_cache_invalidations_total ${snap.cache.invalidations}`);
    lines.push(`supportdesk_db_retries_total ${snap.retries}`);
    if (Object.keys(snap.http).length > 0) lines.push('# TYPE supportdesk_http_responses_total counter');
    for (const [statusClass, n] of Object.entries(snap.http)) lines.push(`supportdesk_http_responses_total{class="${statusClass}"} ${n}`);
    lines.push(`supportdesk_process_resident_memory_bytes ${Math.round(snap.memory.rssMiB * 1048576)}`);
    lines.push(`supportdesk_heap_used_bytes ${Math.round(snap.memory.heapUsedMiB * 1048576)}`);
    if (snap.pool) {
      lines.push(`supportdesk_pool_connections ${snap.pool.total}`);
      lines.push(`supportdesk_pool_idle ${snap.pool.idle}`);
      lines.push(`supportdesk_pool_waiting ${snap.pool.waiting}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
