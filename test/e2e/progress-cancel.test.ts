import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { CallToolResultSchema, ProgressNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../seed/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { type HttpServerProcess, MCP_HEADERS, spawnHttpServer, type TokenFile, writeTokenFile } from '../helpers/http.js';
import { connectOverStdio, type StdioSession } from '../helpers/server-process.js';

/**
 * Long calls through the built server over stdio: top_customers (uncached) reports progress while
 * it runs, and a cancelled call stops its SQL in PostgreSQL and answers nothing. The ranking is
 * made slow on purpose by another session holding a lock on orders, so it waits in PostgreSQL
 * (state active, wait_event_type Lock) for as long as the test wants.
 */

let tdb: TestDatabase;
let session: StdioSession;
let locker: pg.Client;
const clientErrors: Error[] = [];

interface Backend {
  pid: number;
  state: string | null;
  wait_event_type: string | null;
  query: string;
}

/** The server's pooled connections (not its LISTEN connection nor a cancel connection). */
async function serverBackends(): Promise<Backend[]> {
  const { rows } = await tdb.pool.query<Backend>(
    `SELECT pid, state, wait_event_type, query FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'supportdesk-mcp' ORDER BY pid`,
  );
  return rows;
}

const ranking = (b: Backend) => b.state === 'active' && b.query.includes('"ranked"');

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The backend of the ranking, once it waits on the lock lockOrders() took. */
const rankingWaitingOnLock = () => waitFor('the ranking to wait on the lock', async () => (await serverBackends()).find((b) => ranking(b) && b.wait_event_type === 'Lock'));

/** After a cancel, with the lock still held: the ranking stops, and its backend and every other is idle. */
async function expectRankingStopped(backend: Backend): Promise<void> {
  const after = await waitFor('the ranking to stop', async () => {
    const rows = await serverBackends();
    return rows.some(ranking) ? undefined : rows;
  }, 5_000);
  expect(after.find((b) => b.pid === backend.pid)?.state).toBe('idle');
  expect(after.map((b) => b.state)).toEqual(after.map(() => 'idle'));
}

const lockOrders = async () => {
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
};

beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedDatabase(tdb.pool, 'demo');
  session = await connectOverStdio({ DATABASE_URL: tdb.url, SUPPORTDESK_POOL_SIZE: '2' });
  session.client.onerror = (err) => clientErrors.push(err);
  locker = new pg.Client({ connectionString: tdb.url, application_name: 'supportdesk-test-locker' });
  await locker.connect();
}, 120_000);

afterAll(async () => {
  await locker?.query('ROLLBACK').catch(() => undefined);
  await locker?.end();
  await session?.close();
  await tdb?.drop();
});

describe('progress and cancellation over stdio', () => {
  it('top_customers sends progress while the ranking runs, when the client gave a progressToken', async () => {
    await lockOrders();
    const progress: Progress[] = [];
    const call = session.client.callTool({ name: 'top_customers', arguments: { days: 365 } }, CallToolResultSchema, {
      onprogress: (p) => progress.push(p),
      resetTimeoutOnProgress: true,
    });
    await rankingWaitingOnLock();
    await new Promise((r) => setTimeout(r, 1_300));
    await locker.query('ROLLBACK');
    const result = (await call) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { customers: unknown[] }).customers.length).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    const values = progress.map((p) => p.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(new Set(values).size).toBe(values.length);
    expect(progress[0]?.message).toMatch(/^ranking customers by revenue: \d+\.\d s$/);
  });

  it('a call without a progressToken gets no progress, only its answer', async () => {
    const seen: unknown[] = [];
    session.client.setNotificationHandler(ProgressNotificationSchema, (n) => {
      seen.push(n);
    });
    await lockOrders();
    const call = session.client.callTool({ name: 'top_customers', arguments: { days: 366 } });
    await rankingWaitingOnLock();
    await new Promise((r) => setTimeout(r, 1_100));
    await locker.query('ROLLBACK');
    expect(((await call) as CallToolResult).isError).toBeFalsy();
    expect(seen).toEqual([]);
  });

  it('a cancelled call stops its query in PostgreSQL, sends no answer, and leaves the pool clean', async () => {
    await lockOrders();
    const abort = new AbortController();
    const call = session.client.callTool({ name: 'top_customers', arguments: { days: 367 } }, CallToolResultSchema, { signal: abort.signal });
    const settled = call.then(
      () => 'answered',
      () => 'rejected',
    );
    const backend = await rankingWaitingOnLock();
    abort.abort('the agent gave up');
    expect(await settled).toBe('rejected');
    // The lock is still held: the query can only have stopped because it was cancelled.
    await expectRankingStopped(backend);
    await locker.query('ROLLBACK');
    // Nothing arrived for the cancelled request: a late answer would show as an unknown id here.
    await new Promise((r) => setTimeout(r, 300));
    expect(clientErrors).toEqual([]);
    // The cancel connection is gone, and the pool serves the next calls on its same connections.
    expect((await tdb.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'supportdesk-mcp cancel'`)).rows[0].n).toBe(0);
    for (const days of [367, 368, 369]) {
      const again = (await session.client.callTool({ name: 'top_customers', arguments: { days } })) as CallToolResult;
      expect(again.isError).toBeFalsy();
    }
    expect((await serverBackends()).length).toBeLessThanOrEqual(2);
  });
});

describe('progress and cancellation over Streamable HTTP', () => {
  let http: HttpServerProcess;
  let tokens: TokenFile;

  beforeAll(async () => {
    tokens = await writeTokenFile([{ id: 'http-agent', role: 'agent' }]);
    http = await spawnHttpServer({ DATABASE_URL: tdb.url, SUPPORTDESK_TOKENS_FILE: tokens.file, SUPPORTDESK_HTTP_RATE_LIMIT: '0', SUPPORTDESK_POOL_SIZE: '2' });
  }, 60_000);

  afterAll(async () => {
    await http?.stop();
  });

  // Without a progress token a tools/call is answered without an SDK server (src/transports/direct-tool-call.ts).
  const post = (days: number, signal?: AbortSignal, progress = true) =>
    fetch(http.mcpUrl, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: `Bearer ${tokens.tokens['http-agent']}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'top_customers', arguments: { days }, ...(progress ? { _meta: { progressToken: 'p1' } } : {}) } }),
      ...(signal ? { signal } : {}),
    });

  it('streams progress events, then the answer, on the request that asked for them', async () => {
    await lockOrders();
    const response = post(400);
    await rankingWaitingOnLock();
    await new Promise((r) => setTimeout(r, 1_200));
    await locker.query('ROLLBACK');
    const res = await response;
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text()).split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { method?: string; id?: number });
    expect(events.filter((e) => e.method === 'notifications/progress').length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)?.id).toBe(1);
  });

  it.each([
    ['with a progress token (an event stream)', true, 401],
    ['without one (a JSON answer)', false, 403],
  ])('a request %s the client closes stops its query in PostgreSQL and leaves the pool clean', async (_how, progress, days) => {
    await lockOrders();
    const abort = new AbortController();
    const response = post(days, abort.signal, progress).then(async (res) => res.text());
    const backend = await rankingWaitingOnLock();
    abort.abort();
    await expect(response).rejects.toThrow();
    await expectRankingStopped(backend);
    await locker.query('ROLLBACK');
    const again = await post(days + 1, undefined, progress);
    expect(await again.text()).toContain('"result"');
  });
});
