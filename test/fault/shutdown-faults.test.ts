import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, holdRowLock, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { customerRow } from '../helpers/write-fixtures.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connectHttp, spawnHttpServer } from '../helpers/http.js';
import { codeOf, eventually, type FaultTiming, idleInTransaction, printTimings, type ServerUnderTest, startServer, textOf } from './harness.js';
import { PgProxy } from './tcp-proxy.js';
import { unfence } from '../helpers/assertions.js';

/**
 * SIGTERM while calls are under way, against the built server over stdio. A call that finishes in the
 * grace period is answered before the process ends; one still running at its end is rolled back and
 * answered "shutting down: not applied"; calls arriving meanwhile get "shutting down"; the process
 * ends within the grace period plus a few seconds whatever the database does.
 */

let tdb: TestDatabase;
let admin: pg.Pool;
const timings: FaultTiming[] = [];
const POOL_APP = 'supportdesk-mcp';

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 2 });
  admin = new pg.Pool({ connectionString: inject('pgAdminUrl'), max: 2 });
});

afterAll(async () => {
  printTimings('shutdown faults', timings);
  await admin?.end();
  await tdb?.drop();
});

async function waitingOnLock(): Promise<void> {
  await eventually(async () => {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND wait_event_type = 'Lock'`,
      [tdb.name, POOL_APP],
    );
    expect(rows[0]?.n).toBe(1);
  }, 3_000);
}

const auditCount = async (id: string) => (await tdb.db.selectFrom('audit_log').select('id').where('entity_id', '=', id).execute()).length;

/** After a shutdown scenario: exit 0, stdout pure, nothing of this server left in the database. */
async function expectCleanExit(sut: ServerUnderTest): Promise<void> {
  expect(await sut.exited).toEqual({ code: 0, signal: null });
  sut.expectPureStdout();
  await eventually(async () => expect(await idleInTransaction(admin, tdb.name)).toBe(0));
}

describe('shutdown under load', () => {
  it('a call that finishes during the grace period is answered before the process ends; new calls get "shutting down"', async () => {
    const c = await insertCustomer(tdb.db);
    const other = await insertCustomer(tdb.db);
    const sut = await startServer(tdb.url, { SUPPORTDESK_SHUTDOWN_GRACE_MS: '5000', SUPPORTDESK_LOCK_TIMEOUT_MS: '10000' });
    const lock = await holdRowLock(tdb.url, c.id);
    try {
      const write = sut.call('update_customer', { customer_id: c.id, expected_version: 1, name: 'Finished In Grace' });
      await waitingOnLock();
      sut.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      const started = performance.now();
      const late = await sut.call('get_customer', { id: other.id });
      timings.push({ fault: 'new call during the drain', firstAnswer: codeOf(late), ms: Math.round(performance.now() - started) });
      expect(codeOf(late), textOf(late)).toBe('SHUTTING_DOWN');
      expect(textOf(late)).toContain('shutting down');
      await lock.release();
      const answer = await write;
      expect(codeOf(answer), textOf(answer)).toBe('OK');
      expect(unfence(answer.structuredContent)).toMatchObject({ customer: { name: 'Finished In Grace', version: 2 } });
    } finally {
      await lock.release().catch(() => undefined);
    }
    await expectCleanExit(sut);
    expect(await customerRow(tdb.db, c.id)).toEqual({ version: 2, name: 'Finished In Grace' });
    expect(await auditCount(c.id)).toBe(1);
    await sut.stop();
  });

  it('a call still waiting at the end of the grace period is answered "shutting down: not applied" and rolled back; the exit is bounded', async () => {
    const c = await insertCustomer(tdb.db);
    const graceMs = 1_500;
    const sut = await startServer(tdb.url, { SUPPORTDESK_SHUTDOWN_GRACE_MS: String(graceMs), SUPPORTDESK_LOCK_TIMEOUT_MS: '20000', SUPPORTDESK_STATEMENT_TIMEOUT_MS: '30000' });
    const lock = await holdRowLock(tdb.url, c.id);
    try {
      const write = sut.call('update_customer', { customer_id: c.id, expected_version: 1, name: 'Never Applied' });
      await waitingOnLock();
      const started = performance.now();
      sut.child.kill('SIGTERM');
      const answer = await write;
      const answeredMs = Math.round(performance.now() - started);
      expect(codeOf(answer), textOf(answer)).toBe('SHUTTING_DOWN');
      expect(textOf(answer)).toContain('not applied');
      expect(answeredMs).toBeGreaterThanOrEqual(graceMs - 100);
      await expectCleanExit(sut);
      const exitMs = Math.round(performance.now() - started);
      expect(exitMs).toBeLessThan(graceMs + 3_000);
      timings.push({ fault: 'SIGTERM with a write stuck on a row lock (answer)', firstAnswer: 'SHUTTING_DOWN', ms: answeredMs });
      timings.push({ fault: 'SIGTERM with a write stuck on a row lock (exit)', firstAnswer: 'exit 0', ms: exitMs });
    } finally {
      await lock.release();
    }
    // The lock is gone and the server too: its transaction never commits.
    await new Promise((r) => setTimeout(r, 300));
    expect(await customerRow(tdb.db, c.id)).toEqual({ version: 1, name: c.name });
    expect(await auditCount(c.id)).toBe(0);
    await sut.stop();
  });

  it('serve --http: the same shutdown; a call stuck past the grace period is answered "not applied" over HTTP', async () => {
    const c = await insertCustomer(tdb.db);
    const graceMs = 1_000;
    const server = await spawnHttpServer(
      { DATABASE_URL: tdb.url, SUPPORTDESK_PRINCIPAL: 'http-sup', SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_SHUTDOWN_GRACE_MS: String(graceMs), SUPPORTDESK_LOCK_TIMEOUT_MS: '20000' },
      ['--insecure-no-auth'],
    );
    const lock = await holdRowLock(tdb.url, c.id);
    try {
      const client = await connectHttp(server.mcpUrl, undefined);
      const write = client.callTool({ name: 'update_customer', arguments: { customer_id: c.id, expected_version: 1, name: 'Never Over HTTP' } });
      await waitingOnLock();
      const started = performance.now();
      server.child.kill('SIGTERM');
      const answer = (await write) as CallToolResult;
      expect(codeOf(answer), textOf(answer)).toBe('SHUTTING_DOWN');
      expect(textOf(answer)).toContain('not applied');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      const exitMs = Math.round(performance.now() - started);
      expect(exitMs).toBeLessThan(graceMs + 3_000);
      timings.push({ fault: 'serve --http: SIGTERM with a write stuck on a lock (exit)', firstAnswer: 'exit 0', ms: exitMs });
    } finally {
      await lock.release();
      await server.stop();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await customerRow(tdb.db, c.id)).toEqual({ version: 1, name: c.name });
    expect(await auditCount(c.id)).toBe(0);
  });

  it('SIGTERM while the database is silent: answered and ended within the grace period plus a few seconds', async () => {
    const c = await insertCustomer(tdb.db);
    const target = new URL(tdb.url);
    const proxy = await PgProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    const graceMs = 1_000;
    const sut = await startServer(proxy.route(tdb.url), { SUPPORTDESK_SHUTDOWN_GRACE_MS: String(graceMs), SUPPORTDESK_STATEMENT_TIMEOUT_MS: '30000' });
    try {
      proxy.blackhole();
      const read = sut.call('get_customer', { id: c.id });
      await new Promise((r) => setTimeout(r, 200));
      const started = performance.now();
      sut.child.kill('SIGTERM');
      const answer = await read;
      expect(codeOf(answer), textOf(answer)).toBe('SHUTTING_DOWN');
      expect(await sut.exited).toEqual({ code: 0, signal: null });
      const exitMs = Math.round(performance.now() - started);
      expect(exitMs).toBeLessThan(graceMs + 3_000);
      sut.expectPureStdout();
      timings.push({ fault: 'SIGTERM with the database silent (exit)', firstAnswer: 'exit 0', ms: exitMs });
    } finally {
      proxy.heal();
      await proxy.close();
      await sut.stop();
    }
  });
});
