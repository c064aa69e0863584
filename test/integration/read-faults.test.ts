import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestClient, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { errorCode, ok } from '../helpers/write-fixtures.js';
import { unfence } from '../helpers/assertions.js';
import { DEFAULT_RETRY_POLICY } from '../../src/db/retry.js';

/**
 * Reads when the database misbehaves, made real and deterministic: another session holds an
 * ACCESS EXCLUSIVE lock on customers, so the tool's read waits where the test can see it.
 */

let tdb: TestDatabase;
/** Holds the lock, in a transaction. */
let locker: pg.Client;
/** Watches pg_stat_activity (outside any transaction, which would freeze its snapshot) and terminates backends. */
let admin: pg.Client;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 3, statementTimeoutMs: 60_000 });
  locker = new pg.Client({ connectionString: tdb.url });
  admin = new pg.Client({ connectionString: tdb.url });
  await Promise.all([locker.connect(), admin.connect()]);
});

afterAll(async () => {
  await Promise.all([locker?.end(), admin?.end()]);
  await tdb?.drop();
});

async function lockCustomers(): Promise<() => Promise<void>> {
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
  return async () => void (await locker.query('ROLLBACK'));
}

/** The pids of this database's tool connections waiting on a lock, polled until there is one other than `seen`. */
async function waitingBackend(database: string, seen: ReadonlySet<number> = new Set()): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'supportdesk-test' AND wait_event_type = 'Lock'",
      [database],
    );
    const pid = rows.map((r) => r.pid).find((p) => !seen.has(p));
    if (pid !== undefined) return pid;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no tool connection started waiting on the lock');
}

describe('reads when the database misbehaves', () => {
  it('retries a read whose connection was terminated, and answers', async () => {
    const client: TestClient = await connectTestClient(tdb);
    try {
      const c = await insertCustomer(tdb.db, { name: 'Retried Reader' });
      const unlock = await lockCustomers();
      const call = client.call('get_customer', { id: c.id });
      const first = await waitingBackend(tdb.name);
      await admin.query('SELECT pg_terminate_backend($1)', [first]);
      await waitingBackend(tdb.name, new Set([first])); // the retry, on a new connection
      await unlock();
      const out = ok<{ id: string; name: string }>(await call);
      expect(unfence(out)).toMatchObject({ id: c.id, name: 'Retried Reader' });
      // Usually one retry. Two when pg-pool hands the terminated connection out once more: the query's
      // FATAL error can release it to the pool before its socket's close is seen (seen once, Node 24 with
      // PostgreSQL in a container on a slow machine). Either way within the policy, and the call answers.
      const { retries } = await client.app.metrics.snapshot();
      expect(retries).toBeGreaterThanOrEqual(1);
      expect(retries).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.retries);
    } finally {
      await client.close();
    }
  });

  it('answers UNAVAILABLE when a read passes statement_timeout', async () => {
    const slow = await createTestDatabase({ poolSize: 2, statementTimeoutMs: 300 });
    const client = await connectTestClient(slow);
    const lockHolder = new pg.Client({ connectionString: slow.url });
    await lockHolder.connect();
    try {
      const c = await insertCustomer(slow.db);
      await lockHolder.query('BEGIN');
      await lockHolder.query('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
      const result = await client.call('get_customer', { id: c.id });
      expect(errorCode(result)).toBe('UNAVAILABLE');
      await lockHolder.query('ROLLBACK');
    } finally {
      await lockHolder.end();
      await client.close();
      await slow.drop();
    }
  });
});
