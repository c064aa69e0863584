import type pg from 'pg';
import type { SeedSize } from '../src/config.js';
import { FIXTURE_CUSTOMERS } from './content.js';
import { insertCustomerThreads, insertOrderThreads } from './history.js';
import { insertCustomers, insertOrderItems, insertOrders, insertProducts, insertRefunds, seededId, type Volume } from './statements.js';

export type { SeedSize };

export interface SeedResult {
  size: SeedSize;
  customers: number;
  orders: number;
  orderItems: number;
  products: number;
  refunds: number;
  interactions: number;
  ms: number;
}

export interface SeedLog {
  info(obj: object, msg?: string): void;
}

export const SEED_VOLUMES: Readonly<Record<SeedSize, Volume>> = {
  demo: { customers: 1_000, orders: 5_000, orderThreadsPerMille: 180, customerThreadsPerMille: 300 },
  small: { customers: 10_000, orders: 50_000, orderThreadsPerMille: 180, customerThreadsPerMille: 300 },
  large: { customers: 1_000_000, orders: 5_000_000, orderThreadsPerMille: 35, customerThreadsPerMille: 60 },
};

function demoCustomer(n: number): { id: string; email: string; name: string } {
  const fixture = FIXTURE_CUSTOMERS[n - 1];
  if (!fixture) throw new Error(`no fixture customer ${n}`);
  return { id: seededId('cust', n), email: fixture.email, name: fixture.name };
}

/**
 * Known customers every seed size contains, with the same ids (cust_00000001...). Jane Doe has
 * delivered orders with nothing refunded yet; Seán O'Brien has no phone, pays in EUR and has a
 * partly refunded order; Zoë Ångström's email is stored in mixed case and one GBP order of hers is
 * refunded in full. Each also has random orders and support history around these.
 */
export const DEMO_CUSTOMERS = {
  jane: demoCustomer(1),
  sean: demoCustomer(2),
  zoe: demoCustomer(3),
} as const;

/** The fixed orders of the demo customers, named by what they show. */
export const DEMO_ORDERS = {
  janeDeliveredOld: seededId('ord', 1),
  janeDelivered: seededId('ord', 2),
  janeDeliveredRecent: seededId('ord', 3),
  janeShipped: seededId('ord', 4),
  janeProcessing: seededId('ord', 5),
  janeCancelled: seededId('ord', 6),
  seanDelivered: seededId('ord', 7),
  seanPartlyRefunded: seededId('ord', 8),
  seanPaid: seededId('ord', 9),
  zoeFullyRefunded: seededId('ord', 10),
  zoePending: seededId('ord', 11),
} as const;

/** Every table seeding replaces; CASCADE also empties tables that reference them. */
export const DOMAIN_TABLES = ['customers', 'products', 'orders', 'order_items', 'refund_intents', 'refunds', 'interactions', 'audit_log'];
/** The tables seeding fills. */
const SEEDED_TABLES = ['customers', 'products', 'orders', 'order_items', 'refunds', 'interactions'];

/**
 * Replaces the domain data with the generated data set of `size`, in one transaction: a failed seed
 * leaves the previous data in place. The same size always produces the same rows; timestamps are
 * offsets back from the time of seeding. Secondary indexes and foreign keys of the seeded tables
 * are dropped and rebuilt inside that transaction, so other sessions wait on the tables until it
 * commits (seconds for demo and small, a couple of minutes for large).
 */
export async function seedDatabase(pool: pg.Pool, size: SeedSize, log?: SeedLog): Promise<SeedResult> {
  const result: SeedResult = { size, ...(await seedVolume(pool, SEED_VOLUMES[size], log)) };
  log?.info(result, 'seed finished');
  return result;
}

/** seedDatabase with volumes of the caller's own (the benchmark's customers-only database). */
export async function seedVolume(pool: pg.Pool, volume: Volume, log?: SeedLog): Promise<Omit<SeedResult, 'size'>> {
  const started = performance.now();
  const client = await pool.connect();
  let connectionBroken = false;
  try {
    await client.query('BEGIN');
    try {
      const counts = await loadAll(client, volume, log);
      await client.query('COMMIT');
      return { ...counts, ms: Math.round(performance.now() - started) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        connectionBroken = true;
      });
      throw err;
    }
  } finally {
    client.release(connectionBroken);
  }
}

async function loadAll(client: pg.PoolClient, volume: Volume, log?: SeedLog): Promise<Omit<SeedResult, 'size' | 'ms'>> {
  await configureBulkLoad(client);
  await client.query(`TRUNCATE ${DOMAIN_TABLES.join(', ')} RESTART IDENTITY CASCADE`);
  // Checking and indexing the loaded rows in bulk afterwards is many times faster than row by row.
  const restoreStatements = [...(await dropSecondaryIndexes(client)), ...(await dropForeignKeys(client))];

  const insert = (name: string, sql: string) => timed(log, name, async () => (await client.query(sql)).rowCount ?? 0);
  const customers = await insert('customers', insertCustomers(volume));
  const products = await insert('products', insertProducts());
  const orders = await insert('orders', insertOrders(volume));
  const orderItems = await insert('order_items', insertOrderItems(volume));
  const refunds = await insert('refunds', insertRefunds());
  const orderThreads = await insert('interactions about orders', insertOrderThreads(volume));
  const customerThreads = await insert('other interactions', insertCustomerThreads(volume));

  await timed(log, 'recreate indexes and foreign keys', async () => {
    for (const statement of restoreStatements) await client.query(statement);
    return restoreStatements.length;
  });
  await timed(log, 'analyze', async () => {
    await client.query(`ANALYZE ${SEEDED_TABLES.join(', ')}`);
    return SEEDED_TABLES.length;
  });
  return { customers, orders, orderItems, products, refunds, interactions: orderThreads + customerThreads };
}

/** Runs one step and logs how long it took; `work` returns how many things it did. */
async function timed(log: SeedLog | undefined, step: string, work: () => Promise<number>): Promise<number> {
  const started = performance.now();
  const count = await work();
  log?.info({ step, count, ms: Math.round(performance.now() - started) }, 'seed step');
  return count;
}

async function configureBulkLoad(client: pg.PoolClient): Promise<void> {
  await client.query(`
    SET LOCAL synchronous_commit = off;
    SET LOCAL statement_timeout = 0;
    SET LOCAL idle_in_transaction_session_timeout = 0;
    SET LOCAL maintenance_work_mem = '512MB';
    SET LOCAL work_mem = '64MB';
    SET LOCAL standard_conforming_strings = on;
    SET LOCAL jit = off`);
}

/**
 * Drops the plain secondary indexes of the seeded tables and returns the statements that recreate
 * them as they were. Indexes that enforce something (primary keys, unique indexes, constraints)
 * stay, so they keep checking the data as it arrives.
 */
async function dropSecondaryIndexes(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string; comment: string | null }>(
    `SELECT i.indexrelid::regclass::text AS name,
            pg_get_indexdef(i.indexrelid) AS definition,
            CASE WHEN obj_description(i.indexrelid, 'pg_class') IS NOT NULL
              THEN format('COMMENT ON INDEX %s IS %L', i.indexrelid::regclass, obj_description(i.indexrelid, 'pg_class'))
            END AS comment
       FROM pg_index AS i
      WHERE i.indrelid = ANY ($1::regclass[])
        AND NOT i.indisunique
        AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)
      ORDER BY 1`,
    [SEEDED_TABLES],
  );
  if (rows.length > 0) await client.query(`DROP INDEX ${rows.map((r) => r.name).join(', ')}`);
  return rows.flatMap((r) => (r.comment ? [r.definition, r.comment] : [r.definition]));
}

/**
 * Drops the foreign keys of the seeded tables and returns the statements that add them back. Adding
 * a foreign key validates every row in one join, instead of one lookup per inserted row.
 */
async function dropForeignKeys(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ drop: string; add: string; comment: string | null }>(
    `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop,
            format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS add,
            CASE WHEN obj_description(c.oid, 'pg_constraint') IS NOT NULL
              THEN format('COMMENT ON CONSTRAINT %I ON %s IS %L', c.conname, c.conrelid::regclass, obj_description(c.oid, 'pg_constraint'))
            END AS comment
       FROM pg_constraint AS c
      WHERE c.contype = 'f' AND c.conrelid = ANY ($1::regclass[])
      ORDER BY c.conrelid::regclass::text, c.conname`,
    [SEEDED_TABLES],
  );
  for (const r of rows) await client.query(r.drop);
  return rows.flatMap((r) => (r.comment ? [r.add, r.comment] : [r.add]));
}
