import { readdir } from 'node:fs/promises';
import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, pendingMigrations } from '../../src/db/migrate.js';
import { migrationsDir } from '../../src/lib/paths.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

// The check every serving start (and /readyz) runs: right on an empty, a partly and a fully migrated
// database, in two small queries, not Kysely's Migrator.getMigrations() (which introspects every column
// of every table through pg_attribute first: tens of milliseconds of cold start).
let tdb: TestDatabase;
let all: string[];
const statements: string[] = [];
let logged: Kysely<unknown>;

beforeAll(async () => {
  tdb = await createTestDatabase({ empty: true });
  all = (await readdir(migrationsDir())).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, ''));
  logged = new Kysely({ dialect: new PostgresDialect({ pool: tdb.pool }), log: (event) => void statements.push(event.query.sql) });
});

afterAll(async () => {
  await tdb?.drop();
});

describe('pendingMigrations', () => {
  it('lists every migration on an empty database, in order', async () => {
    expect(all.length).toBeGreaterThan(1);
    expect(await pendingMigrations(tdb.db)).toEqual([...all].sort());
  });

  it('lists none once migrated, and the one whose row is missing after that', async () => {
    const outcome = await migrateToLatest(tdb.db);
    expect(outcome.error).toBeUndefined();
    expect(await pendingMigrations(tdb.db)).toEqual([]);
    const last = [...all].sort().at(-1) as string;
    await tdb.pool.query('DELETE FROM kysely_migration WHERE name = $1', [last]);
    expect(await pendingMigrations(tdb.db)).toEqual([last]);
  });

  it('asks the database at most twice and never introspects the catalog', async () => {
    statements.length = 0;
    await pendingMigrations(logged);
    expect(statements.length).toBeLessThanOrEqual(2);
    expect(statements.join('\n')).not.toMatch(/pg_attribute/);
  });
});
