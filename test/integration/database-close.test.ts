import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/observability/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/** close() ends every connection, whichever way the pool was used: an open socket keeps a CLI process alive. */

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const open = () => openDatabase({ connectionString: tdb.url, poolSize: 2, connectTimeoutMs: 5_000, statementTimeoutMs: 5_000 }, createLogger('silent'));

it.each([
  ['the pool alone (seed --if-empty counts rows that way)', (d: ReturnType<typeof open>) => d.pool.query('SELECT 1')],
  ['Kysely', (d: ReturnType<typeof open>) => d.db.selectFrom('customers').select('id').limit(1).execute()],
])('ends its connections after queries through %s', async (_how, query) => {
  const database = open();
  await query(database);
  expect(database.pool.totalCount).toBe(1);
  await database.close();
  expect(database.pool.ended).toBe(true);
  expect(database.pool.totalCount).toBe(0);
});
