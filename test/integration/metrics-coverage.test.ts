import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { readWithRetry } from '../../src/db/retry.js';
import { createLogger } from '../../src/observability/logger.js';
import { Metrics } from '../../src/observability/metrics.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { sample } from '../helpers/metrics.js';

/**
 * What issue 12 asks /metrics to cover, each by name and type, and the pool gauges and the retry
 * counter moved by the real pool and the real retry path (the other series are exercised through
 * tool calls in metrics.test.ts, cache-bus.test.ts and the HTTP e2e tests).
 */

const COVERED: [name: string, type: 'counter' | 'gauge' | 'histogram', what: string][] = [
  ['supportdesk_tool_calls_total', 'counter', 'per-tool calls'],
  ['supportdesk_tool_errors_total', 'counter', 'errors by code'],
  ['supportdesk_tool_duration_seconds', 'histogram', 'a latency histogram'],
  ['supportdesk_cache_hits_total', 'counter', 'cache hits'],
  ['supportdesk_cache_misses_total', 'counter', 'cache misses'],
  ['supportdesk_cache_invalidations_total', 'counter', 'cache invalidations'],
  ['supportdesk_db_pool_connections', 'gauge', 'pool total'],
  ['supportdesk_db_pool_idle_connections', 'gauge', 'pool idle'],
  ['supportdesk_db_pool_waiting_requests', 'gauge', 'pool waiting'],
  ['supportdesk_db_retries_total', 'counter', 'retries'],
  ['supportdesk_db_errors_total', 'counter', 'database errors by SQLSTATE class'],
  ['supportdesk_http_responses_total', 'counter', 'HTTP responses by status class'],
  ['process_cpu_seconds_total', 'counter', 'default process metrics'],
  ['process_resident_memory_bytes', 'gauge', 'default process metrics'],
  ['nodejs_eventloop_lag_seconds', 'gauge', 'default process metrics'],
];

const POOL_SIZE = 2;
let tdb: TestDatabase;
let metrics: Metrics;
let observed: Database;

beforeAll(async () => {
  tdb = await createTestDatabase();
  metrics = new Metrics();
  observed = openDatabase({ connectionString: tdb.url, poolSize: POOL_SIZE, connectTimeoutMs: 5_000, statementTimeoutMs: 5_000 }, createLogger('silent'), { metrics });
  metrics.watchPool(() => ({ total: observed.pool.totalCount, idle: observed.pool.idleCount, waiting: observed.pool.waitingCount }));
});

afterAll(async () => {
  await observed?.close();
  await tdb?.drop();
});

describe('/metrics covers what the operations table alerts on', () => {
  it.each(COVERED)('exposes %s (%s): %s', async (name, type) => {
    expect(await metrics.toPrometheus()).toContain(`# TYPE ${name} ${type}\n`);
  });

  it('reads pool total, idle and waiting from the live pool at each scrape', async () => {
    const held = await Promise.all(Array.from({ length: POOL_SIZE }, () => observed.pool.connect()));
    const queued = observed.pool.query('SELECT 1');
    try {
      const busy = await metrics.toPrometheus();
      expect(sample(busy, 'supportdesk_db_pool_connections')).toBe(POOL_SIZE);
      expect(sample(busy, 'supportdesk_db_pool_idle_connections')).toBe(0);
      expect(sample(busy, 'supportdesk_db_pool_waiting_requests')).toBe(1);
    } finally {
      for (const client of held) client.release();
    }
    await queued;
    const calm = await metrics.toPrometheus();
    expect(sample(calm, 'supportdesk_db_pool_idle_connections')).toBe(POOL_SIZE);
    expect(sample(calm, 'supportdesk_db_pool_waiting_requests')).toBe(0);
  });

  it('counts a retry after a transient error, and the error by its SQLSTATE class', async () => {
    let attempts = 0;
    const answer = await readWithRetry({ db: observed.db, metrics }, async (db) => {
      attempts++;
      if (attempts === 1) await sql`DO $$ BEGIN RAISE EXCEPTION 'serialization' USING ERRCODE = '40001'; END $$`.execute(db);
      return (await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows[0]?.one;
    });
    expect(answer).toBe(1);
    expect(attempts).toBe(2);
    const text = await metrics.toPrometheus();
    expect(sample(text, 'supportdesk_db_retries_total')).toBe(1);
    expect(sample(text, 'supportdesk_db_errors_total{sqlstate_class="40"}')).toBe(1);
  });
});
