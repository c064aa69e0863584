import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, holdRowLock, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { customerRow } from '../helpers/write-fixtures.js';
import { codeOf, eventually, type FaultTiming, FAULT_ENV, printTimings, type ServerUnderTest, startServer, textOf, timed } from './harness.js';

/**
 * Faults through PostgreSQL itself, against the built server over stdio: backends terminated while
 * idle and mid-call, a row lock held by another session (lock_timeout 1 s), and the connection limit
 * exhausted (a role with CONNECTION LIMIT, so the shared server's max_connections stays as it is).
 */

const LOCK_TIMEOUT_MS = Number(FAULT_ENV.SUPPORTDESK_LOCK_TIMEOUT_MS);
const POOL_SIZE = Number(FAULT_ENV.SUPPORTDESK_POOL_SIZE);
const POOL_APP = 'supportdesk-mcp';
let tdb: TestDatabase;
let sut: ServerUnderTest;
let admin: pg.Pool;
const timings: FaultTiming[] = [];
/** Servers the current scenario started besides `sut`, stopped after it. */
let extra: ServerUnderTest | undefined;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 2 });
  sut = await startServer(tdb.url);
  admin = new pg.Pool({ connectionString: inject('pgAdminUrl'), max: 4 });
});

afterEach(async () => {
  const servers = extra ? [sut, extra] : [sut];
  for (const server of servers) {
    await server.expectHealthy(admin, tdb.name, async () => {
      const fresh = await insertCustomer(tdb.db);
      expect(codeOf(await server.call('get_customer', { id: fresh.id }))).toBe('OK');
    });
  }
  await extra?.stop();
  extra = undefined;
});

afterAll(async () => {
  printTimings('database faults', timings);
  await sut?.stop();
  await admin?.end();
  await tdb?.drop();
});

async function terminate(applicationName: string, extraCondition = 'true'): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND ${extraCondition}`,
    [tdb.name, applicationName],
  );
  return rows[0]?.n ?? 0;
}

describe('faults through the database', () => {
  it('every pool backend terminated while idle: the next calls are served on fresh connections', async () => {
    const c = await insertCustomer(tdb.db);
    expect(await terminate(POOL_APP)).toBeGreaterThan(0);
    await terminate('supportdesk-mcp-listener');
    const read = await timed(() => sut.call('get_customer', { id: c.id }));
    expect(codeOf(read.value), textOf(read.value)).toBe('OK');
    const write = await sut.call('update_customer', { customer_id: c.id, expected_version: 1, name: 'After Terminate' });
    expect(codeOf(write), textOf(write)).toBe('OK');
    timings.push({ fault: 'pg_terminate_backend of idle pool connections', firstAnswer: codeOf(read.value), ms: read.ms });
  });

  it('the backend terminated mid-call (a write waiting on a lock): UNAVAILABLE, nothing applied', async () => {
    const c = await insertCustomer(tdb.db);
    const lock = await holdRowLock(tdb.url, c.id);
    try {
      const write = timed(() => sut.call('update_customer', { customer_id: c.id, expected_version: 1, name: 'Killed Midway' }));
      await eventually(async () => expect(await terminate(POOL_APP, `wait_event_type = 'Lock'`)).toBe(1), 3_000);
      const started = performance.now();
      const answer = await write;
      expect(codeOf(answer.value), textOf(answer.value)).toBe('UNAVAILABLE');
      timings.push({ fault: 'pg_terminate_backend mid-call (write)', firstAnswer: codeOf(answer.value), ms: Math.round(performance.now() - started) });
    } finally {
      await lock.release();
    }
    expect(await customerRow(tdb.db, c.id)).toEqual({ version: 1, name: c.name });
  });

  it(`a row lock held by another session: BUSY within lock_timeout (${LOCK_TIMEOUT_MS} ms); reads meanwhile are served; the write succeeds once the lock is gone`, async () => {
    const c = await insertCustomer(tdb.db);
    const others = await Promise.all([1, 2, 3, 4, 5, 6].map(() => insertCustomer(tdb.db)));
    const lock = await holdRowLock(tdb.url, c.id);
    try {
      // As many writes as pool slots wait on the lock at once; reads must not starve behind them.
      const writes = Array.from({ length: POOL_SIZE }, () => 0).map(() => timed(() => sut.call('update_customer', { customer_id: c.id, expected_version: 1, name: 'Locked Out' })));
      const reads = await timed(() => Promise.all(others.map((o) => sut.call('get_customer', { id: o.id }))));
      for (const r of reads.value) expect(codeOf(r)).toBe('OK');
      const answers = await Promise.all(writes);
      for (const w of answers) {
        expect(codeOf(w.value), textOf(w.value)).toBe('BUSY');
        expect(textOf(w.value)).toContain('being changed by someone else');
      }
      const first = Math.min(...answers.map((a) => a.ms));
      const last = Math.max(...answers.map((a) => a.ms));
      expect(first).toBeGreaterThanOrEqual(LOCK_TIMEOUT_MS - 50);
      // A slot is held for lock_timeout, never statement_timeout (2 s): a write waits one round for a slot
      // (reads took some) and one on the lock at most; reads wait one round at most.
      expect(last).toBeLessThan(2 * LOCK_TIMEOUT_MS + 700);
      expect(reads.ms).toBeLessThan(LOCK_TIMEOUT_MS + 1_000);
      timings.push({ fault: 'row lock held by another session', firstAnswer: 'BUSY', ms: first });
    } finally {
      await lock.release();
    }
    expect(await customerRow(tdb.db, c.id)).toEqual({ version: 1, name: c.name });
    const after = await sut.call('update_customer', { customer_id: c.id, expected_version: 1, name: 'Lock Released' });
    expect(codeOf(after), textOf(after)).toBe('OK');
  });

  it('the connection limit exhausted (a role with CONNECTION LIMIT): UNAVAILABLE in bounded time, served again once slots free up', async () => {
    const role = `sd_fault_${randomBytes(4).toString('hex')}`;
    const limit = 3;
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'fault' CONNECTION LIMIT ${limit}`);
    const grant = new pg.Client({ connectionString: tdb.url });
    await grant.connect();
    await grant.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${role}; GRANT CONNECT ON DATABASE ${tdb.name} TO ${role}`);
    await grant.end();
    const asRole = new URL(tdb.url);
    asRole.username = role;
    asRole.password = 'fault';
    const hogs: pg.Client[] = [];
    try {
      extra = await startServer(asRole.toString());
      const c = await insertCustomer(tdb.db);
      // The server holds its listener and pool connections; drop the pool's and take every slot left.
      await terminate(POOL_APP, `usename = '${role}'`);
      await eventually(async () => {
        const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1`, [role]);
        expect(rows[0]?.n).toBe(1);
      }, 3_000);
      for (let i = 0; i < limit - 1; i++) {
        const hog = new pg.Client({ connectionString: asRole.toString() });
        await hog.connect();
        hogs.push(hog);
      }
      const read = await timed(() => extra!.call('get_customer', { id: c.id }));
      expect(codeOf(read.value), textOf(read.value)).toBe('UNAVAILABLE');
      expect(read.ms).toBeLessThan(Number(FAULT_ENV.SUPPORTDESK_STATEMENT_TIMEOUT_MS) + 5_000);
      timings.push({ fault: 'connection limit exhausted (role CONNECTION LIMIT)', firstAnswer: codeOf(read.value), ms: read.ms });
      for (const hog of hogs.splice(0)) await hog.end();
      expect(codeOf(await extra.call('get_customer', { id: c.id }))).toBe('OK');
    } finally {
      for (const hog of hogs) await hog.end().catch(() => undefined);
      // afterEach checks this server's health, then stops it; the role goes once it has no sessions.
      const drop = async () => {
        await extra?.stop();
        extra = undefined;
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role]);
        const owner = new pg.Client({ connectionString: tdb.url });
        await owner.connect();
        await owner.query(`DROP OWNED BY ${role}`).catch(() => undefined);
        await owner.end();
        await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      };
      dropRole = drop;
    }
  });
});

let dropRole: (() => Promise<void>) | undefined;
afterAll(async () => {
  await dropRole?.();
});
