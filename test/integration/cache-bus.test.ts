import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { CacheBus } from '../../src/db/cache-bus.js';
import { runWrite } from '../../src/db/transaction.js';
import { ReadCache } from '../../src/lib/cache.js';
import { createLogger } from '../../src/observability/logger.js';
import { Metrics } from '../../src/observability/metrics.js';
import { testApp, testRequest } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

let tdb: TestDatabase;
const started: CacheBus[] = [];

/** A second process's view: its own cache and metrics, listening on its own connection. */
async function listeningCache(): Promise<{ cache: ReadCache; metrics: Metrics; bus: CacheBus }> {
  const metrics = new Metrics();
  const cache = new ReadCache({ maxEntries: 100, ttlMs: 60_000 }, metrics);
  const bus = new CacheBus({ connectionString: tdb.url, connectTimeoutMs: 5_000, cache, log: createLogger('silent'), metrics });
  await bus.start();
  started.push(bus);
  return { cache, metrics, bus };
}

/** A write through the one write path of another process, touching `tags`. */
async function writeTouching(tags: string[], options: { fail?: boolean } = {}): Promise<void> {
  const app = testApp(tdb);
  await runWrite(app, testRequest(app), { tool: 'test_write' }, async (scope) => {
    scope.invalidateAfterCommit(...tags);
    if (options.fail) throw new Error('rolled back on purpose');
  });
}

async function cached(cache: ReadCache, key: string, tag: string): Promise<string> {
  return cache.getOrLoad(key, [tag], async () => `loaded-${Math.random()}`);
}

const listenerBackends = async () =>
  (await tdb.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'supportdesk-mcp-listener' AND datname = current_database()")).rows;

/** Runs a statement from the server's maintenance database (a database cannot lock itself out). */
async function asAdmin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  tdb = await createTestDatabase();
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((b) => b.stop()));
});

afterAll(async () => {
  await tdb?.drop();
});

describe('cache invalidation across processes (LISTEN/NOTIFY)', () => {
  it('drops the tags another process wrote, and only those, once it commits', async () => {
    const { cache } = await listeningCache();
    const a = await cached(cache, 'a', 'customer:cust_a');
    const b = await cached(cache, 'b', 'customer:cust_b');
    await writeTouching(['customer:cust_a']);
    await expect.poll(async () => (await cached(cache, 'a', 'customer:cust_a')) !== a, { timeout: 2_000, interval: 5 }).toBe(true);
    expect(await cached(cache, 'b', 'customer:cust_b')).toBe(b);
  });

  it('hears nothing from a write that rolled back', async () => {
    const { cache } = await listeningCache();
    const a = await cached(cache, 'a', 'customer:cust_a');
    await expect(writeTouching(['customer:cust_a'], { fail: true })).rejects.toThrow('rolled back on purpose');
    // A later committed write to another tag proves notices flow; the rolled-back one never arrived.
    const b = await cached(cache, 'b', 'customer:cust_b');
    await writeTouching(['customer:cust_b']);
    await expect.poll(async () => (await cached(cache, 'b', 'customer:cust_b')) !== b, { timeout: 2_000, interval: 5 }).toBe(true);
    expect(await cached(cache, 'a', 'customer:cust_a')).toBe(a);
  });

  it('bypasses the cache while the listener is cut off, then clears it and caches again once it listens anew', async () => {
    const { cache, metrics } = await listeningCache();
    const a = await cached(cache, 'a', 'customer:cust_a');
    const [listener] = await listenerBackends();
    expect(listener).toBeDefined();
    // Keep it from reconnecting for a while: no new connections to this database.
    await asAdmin(`ALTER DATABASE ${tdb.name} WITH ALLOW_CONNECTIONS false`);
    await tdb.pool.query('SELECT pg_terminate_backend($1)', [listener!.pid]);

    // From the moment the connection is gone, nothing is served from memory...
    await expect.poll(async () => (await cached(cache, 'a', 'customer:cust_a')) !== a, { timeout: 2_000, interval: 5 }).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect((await metrics.snapshot()).cache.listenerUp).toBe(false);
    const whileDown = await cached(cache, 'x', 'customer:cust_x');
    expect(await cached(cache, 'x', 'customer:cust_x')).not.toBe(whileDown);
    await asAdmin(`ALTER DATABASE ${tdb.name} WITH ALLOW_CONNECTIONS true`);

    // ...until a new listener is up: then the cache is cleared and used again.
    await expect.poll(async () => (await metrics.snapshot()).cache.listenerReconnects, { timeout: 10_000, interval: 20 }).toBe(1);
    expect((await listenerBackends()).map((r) => r.pid)).not.toContain(listener!.pid);
    const after = await cached(cache, 'a', 'customer:cust_a');
    expect(await cached(cache, 'a', 'customer:cust_a')).toBe(after);
    expect((await metrics.snapshot()).cache.listenerUp).toBe(true);

    // And it hears writes again.
    await writeTouching(['customer:cust_a']);
    await expect.poll(async () => (await cached(cache, 'a', 'customer:cust_a')) !== after, { timeout: 2_000, interval: 5 }).toBe(true);
  });

  it('ignores its own notices: the writing process invalidates after its own commit', async () => {
    const app = testApp(tdb);
    const bus = new CacheBus({ connectionString: tdb.url, connectTimeoutMs: 5_000, cache: app.cache, log: app.log, metrics: app.metrics });
    await bus.start();
    started.push(bus);
    await cached(app.cache, 'a', 'customer:cust_a');
    await runWrite(app, testRequest(app), { tool: 'test_write' }, async (scope) => scope.invalidateAfterCommit('customer:cust_a'));
    const a = await cached(app.cache, 'a', 'customer:cust_a');
    // Notices arrive in commit order: once a later write's notice has landed, so has our own.
    const u = await cached(app.cache, 'u', 'customer:cust_unrelated');
    await writeTouching(['customer:cust_unrelated']);
    await expect.poll(async () => (await cached(app.cache, 'u', 'customer:cust_unrelated')) !== u, { timeout: 2_000, interval: 5 }).toBe(true);
    expect(await cached(app.cache, 'a', 'customer:cust_a')).toBe(a);
    expect((await app.metrics.snapshot()).cache.invalidations).toBe(2);
  });
});
