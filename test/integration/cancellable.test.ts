import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRequestCancelled, runCancellable } from '../../src/db/cancellable.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/** runCancellable on its own: the statement stops in PostgreSQL when the signal aborts, and the connection goes back idle. */

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 1 });
});

afterAll(async () => {
  await tdb?.drop();
});

const sleep = (seconds: number) => (db: TestDatabase['db']) => sql`SELECT pg_sleep(${seconds})`.execute(db);

describe('runCancellable', () => {
  it('stops a running statement at once when the signal aborts, even with a pool of one', async () => {
    const abort = new AbortController();
    const started = performance.now();
    const run = runCancellable(tdb, abort.signal, sleep(30));
    setTimeout(() => abort.abort(), 300);
    const err = await run.catch((e: unknown) => e);
    expect(isRequestCancelled(err)).toBe(true);
    expect(performance.now() - started).toBeLessThan(10_000);
    // The one pooled connection is free and idle again.
    expect(tdb.pool.totalCount).toBe(1);
    expect(tdb.pool.idleCount).toBe(1);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep%' AND state = 'active' AND pid <> pg_backend_pid()`.execute(tdb.db);
    expect(rows[0]?.n).toBe(0);
  });

  it('refuses to start when the signal has already aborted, and runs plainly without a signal', async () => {
    const abort = new AbortController();
    abort.abort();
    expect(isRequestCancelled(await runCancellable(tdb, abort.signal, sleep(0)).catch((e: unknown) => e))).toBe(true);
    expect((await runCancellable(tdb, undefined, (db) => sql<{ one: number }>`SELECT 1 AS one`.execute(db))).rows).toEqual([{ one: 1 }]);
    expect((await runCancellable(tdb, new AbortController().signal, (db) => sql<{ one: number }>`SELECT 1 AS one`.execute(db))).rows).toEqual([{ one: 1 }]);
  });
});
