import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { DB } from '../../src/db/schema.js';
import { createLogger } from '../../src/observability/logger.js';
import { withDatabase } from './global-setup.js';

export interface TestDatabase {
  url: string;
  name: string;
  pool: pg.Pool;
  db: Kysely<DB>;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own, cloned from the run's template; with `locale`, created
 * from template0 with that collation and character type (e.g. 'C') and migrated here instead;
 * `empty`: no schema at all (for migration tests).
 */
export async function createTestDatabase(options: { poolSize?: number; statementTimeoutMs?: number; locale?: string; empty?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `supportdesk_t_${randomBytes(5).toString('hex')}`;
  await adminQuery(
    adminUrl,
    options.empty
      ? `CREATE DATABASE ${name}`
      : options.locale === undefined
        ? `CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`
        : `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER libc LC_COLLATE '${options.locale}' LC_CTYPE '${options.locale}'`,
  );
  const url = withDatabase(adminUrl, name);
  const database = openDatabase(
    { connectionString: url, poolSize: options.poolSize ?? 10, connectTimeoutMs: 10_000, statementTimeoutMs: options.statementTimeoutMs ?? 60_000, applicationName: 'supportdesk-test' },
    createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
  );
  if (options.locale !== undefined) {
    const outcome = await migrateToLatest(database.db);
    if (outcome.error) throw outcome.error;
  }
  return {
    url,
    name,
    pool: database.pool,
    db: database.db,
    drop: async () => {
      await database.close();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  // Two clones of one template at the same instant can collide (55006); try again briefly.
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(text);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    } finally {
      await client.end();
    }
  }
}

/** An open transaction of another session holding customer `id`'s row lock (FOR UPDATE) on the database at `url` until release(). */
export async function holdRowLock(url: string, id: string): Promise<{ release(): Promise<void> }> {
  const session = new pg.Client({ connectionString: url });
  await session.connect();
  await session.query('BEGIN');
  await session.query('SELECT id FROM customers WHERE id = $1 FOR UPDATE', [id]);
  return {
    async release() {
      await session.query('ROLLBACK');
      await session.end();
    },
  };
}
