import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, seedDatabase } from '../../seed/seed.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createLogger } from '../../src/observability/logger.js';
import { Metrics } from '../../src/observability/metrics.js';
import { connectTestClient, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { sample } from '../helpers/metrics.js';

let tdb: TestDatabase;
let observed: Database;
let metrics: Metrics;
let tc: TestClient;

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDatabase(tdb.pool, 'demo');
  tc = await connectTestClient(tdb);
  metrics = tc.app.metrics;
  // A pool observed by the same registry, as the runtime builds it.
  observed = openDatabase({ connectionString: tdb.url, poolSize: 2, connectTimeoutMs: 5_000, statementTimeoutMs: 5_000 }, createLogger('silent'), { metrics });
  metrics.watchPool(() => ({ total: observed.pool.totalCount, idle: observed.pool.idleCount, waiting: observed.pool.waitingCount }));
});

afterAll(async () => {
  await tc?.close();
  await observed?.close();
  await tdb?.drop();
});

describe('Prometheus metrics from one prom-client registry', () => {
  it('counts tool calls, errors by code, latency and cache use, with the default process metrics', async () => {
    await tc.call('get_customer', { id: DEMO_CUSTOMERS.jane.id });
    await tc.call('get_customer', { id: DEMO_CUSTOMERS.jane.id });
    const missing = await tc.call('get_customer', { id: 'cust_doesnotexist' });
    expect(missing.isError).toBe(true);

    const text = await metrics.toPrometheus();
    expect(sample(text, 'supportdesk_tool_calls_total{tool="get_customer"}')).toBe(3);
    expect(sample(text, 'supportdesk_tool_errors_total{tool="get_customer",code="NOT_FOUND"}')).toBe(1);
    expect(sample(text, 'supportdesk_tool_duration_seconds_count{tool="get_customer"}')).toBe(3);
    expect(sample(text, 'supportdesk_tool_duration_seconds_bucket{le="+Inf",tool="get_customer"}')).toBe(3);
    expect(sample(text, 'supportdesk_cache_hits_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'supportdesk_cache_misses_total')).toBeGreaterThanOrEqual(2);
    expect(text).toContain('# TYPE supportdesk_tool_duration_seconds histogram');
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  it('serves the supportdesk://metrics resource from the same registry', async () => {
    await tc.call('get_customer', { id: 'cust_stillmissing' });
    const read = await tc.client.readResource({ uri: 'supportdesk://metrics' });
    const first = read.contents[0];
    const json = JSON.parse(first && 'text' in first ? first.text : '{}') as Awaited<ReturnType<Metrics['snapshot']>>;
    const text = await metrics.toPrometheus();
    expect(json.tools.get_customer?.calls).toBe(sample(text, 'supportdesk_tool_calls_total{tool="get_customer"}'));
    expect(json.tools.get_customer?.errors).toBe(2);
    expect(json.errorsByCode.NOT_FOUND).toBe(sample(text, 'supportdesk_tool_errors_total{tool="get_customer",code="NOT_FOUND"}'));
    expect(json.cache.hits).toBe(sample(text, 'supportdesk_cache_hits_total'));
    expect(json.tools.get_customer?.latencyBuckets['le_+Inf']).toBe(json.tools.get_customer?.calls);
    expect(json.memory.rssMiB).toBeGreaterThan(0);
  });

  it('counts failed queries by SQLSTATE class and reads the pool gauges on scrape', async () => {
    await expect(sql`SELECT * FROM no_such_table`.execute(observed.db)).rejects.toThrow();
    await expect(
      sql`INSERT INTO customers (id, name, email) SELECT id, name, email FROM customers LIMIT 1`.execute(observed.db),
    ).rejects.toThrow();
    const text = await metrics.toPrometheus();
    expect(sample(text, 'supportdesk_db_errors_total{sqlstate_class="42"}')).toBe(1);
    expect(sample(text, 'supportdesk_db_errors_total{sqlstate_class="23"}')).toBe(1);
    expect(sample(text, 'supportdesk_db_pool_connections')).toBe(observed.pool.totalCount);
    expect(observed.pool.totalCount).toBeGreaterThan(0);
    expect((await metrics.snapshot()).dbErrorsBySqlstateClass).toMatchObject({ '42': 1, '23': 1 });
  });

  it('counts HTTP responses by status class, retries and the invalidation listener', async () => {
    const m = new Metrics();
    for (const status of [200, 200, 401, 503]) m.recordHttpResponse(status);
    m.retried();
    m.cacheListener('up');
    m.cacheListener('down');
    const text = await m.toPrometheus();
    expect(sample(text, 'supportdesk_http_responses_total{status_class="2xx"}')).toBe(2);
    expect(sample(text, 'supportdesk_http_responses_total{status_class="4xx"}')).toBe(1);
    expect(sample(text, 'supportdesk_http_responses_total{status_class="5xx"}')).toBe(1);
    expect(sample(text, 'supportdesk_db_retries_total')).toBe(1);
    expect(sample(text, 'supportdesk_cache_listener_up')).toBe(0);
    m.cacheListener('reconnected');
    expect((await m.snapshot()).cache).toMatchObject({ listenerUp: true, listenerReconnects: 1 });
  });
});
