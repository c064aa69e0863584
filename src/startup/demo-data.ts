import pg from 'pg';
import type { Logger } from '../observability/logger.js';

/** Any fixed key: serialises the "empty? then seed" step of processes starting at once. */
const DEMO_SEED_LOCK = 0x5344_6465;

/**
 * Loads the demo data set into an empty embedded database (its first start); true when it did.
 * The lock is held on a session of its own, so a pool of one connection still has one to seed with.
 */
export async function seedDemoWhenEmpty(pool: pg.Pool, connectionString: string, log: Logger): Promise<boolean> {
  const lock = new pg.Client({ connectionString, application_name: 'supportdesk-mcp demo seed' });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [DEMO_SEED_LOCK]);
    // Loaded only here: a server on DATABASE_URL never needs the generator at startup.
    const { DOMAIN_TABLES, seedDatabase } = await import('../../seed/seed.js');
    // Seeding replaces every domain table: only a database with no row in any of them is new.
    const empty = DOMAIN_TABLES.map((t) => `NOT EXISTS (SELECT 1 FROM ${t})`).join(' AND ');
    const { rows } = await lock.query<{ empty: boolean }>(`SELECT ${empty} AS empty`);
    if (!rows[0]?.empty) return false;
    log.info('loading demo data into the embedded database (first start)');
    await seedDatabase(pool, 'demo', log);
    return true;
  } finally {
    await lock.end().catch(() => undefined); // ending the session releases the lock
  }
}
