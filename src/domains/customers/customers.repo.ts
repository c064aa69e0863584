import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import { escapeLike } from '../../lib/text.js';

/** Customer queries only: no rules, no shaping. */

export const customerColumns = ['id', 'name', 'email', 'phone', 'tier', 'status', 'created_at', 'updated_at', 'version'] as const;

export async function findCustomerById(db: Kysely<DB>, id: string) {
  return db.selectFrom('customers').select(customerColumns).where('id', '=', id).executeTakeFirst();
}

export async function customerExists(db: Kysely<DB>, id: string): Promise<boolean> {
  const row = await db.selectFrom('customers').select(sql<number>`1`.as('one')).where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** Exact, case-insensitive email lookup through customers_email_lower_key. */
export function customerByEmailQuery(db: Kysely<DB>, email: string) {
  return db
    .selectFrom('customers')
    .select(customerColumns)
    .where(sql<string>`lower(email)`, '=', email.toLowerCase());
}

export async function findCustomerByEmail(db: Kysely<DB>, email: string) {
  return customerByEmailQuery(db, email).executeTakeFirst();
}

/**
 * Fragment search on name and email through the pg_trgm GIN indexes on lower(name) and
 * lower(email). LIKE metacharacters in the fragment match literally. Keyset order: (lower(name), id).
 */
export function searchCustomersQuery(db: Kysely<DB>, args: { fragment: string; after?: { name: string; id: string }; limit: number }) {
  const pattern = `%${escapeLike(args.fragment.toLowerCase())}%`;
  let q = db
    .selectFrom('customers')
    .select([...customerColumns, sql<string>`lower(name)`.as('sort_name')])
    .where((eb) =>
      eb.or([
        eb(sql`lower(name)`, 'like', sql`${pattern} ESCAPE '\\'`),
        eb(sql`lower(email)`, 'like', sql`${pattern} ESCAPE '\\'`),
      ]),
    );
  if (args.after) {
    const { name, id } = args.after;
    q = q.where(sql<boolean>`(lower(name), id) > (${name}, ${id})`);
  }
  return q.orderBy(sql`lower(name)`).orderBy('id').limit(args.limit);
}

export async function searchCustomersByFragment(db: Kysely<DB>, args: { fragment: string; after?: { name: string; id: string }; limit: number }) {
  return searchCustomersQuery(db, args).execute();
}

/** Up to `limit` emails most similar to `email` (trigram similarity), for not-found hints. */
export async function similarEmails(db: Kysely<DB>, email: string, limit = 3): Promise<string[]> {
  const needle = email.toLowerCase();
  const rows = await db
    .selectFrom('customers')
    .select('email')
    .where(sql<boolean>`lower(email) % ${needle}`)
    .orderBy(sql`lower(email) <-> ${needle}`)
    .limit(limit)
    .execute();
  return rows.map((r) => r.email);
}

export interface CustomerStats {
  order_count: number;
  lifetime_value: { currency: string; cents: number }[];
  last_order_at: Date | null;
}

/** Order count and lifetime value (paid amounts net of refunds, cancelled orders excluded), per currency. */
export async function customerOrderStats(db: Kysely<DB>, customerId: string): Promise<CustomerStats> {
  const rows = await db
    .selectFrom('orders')
    .select([
      'currency',
      sql<number>`count(*)::int`.as('orders'),
      sql<number>`coalesce(sum(total_cents - refunded_cents) FILTER (WHERE status <> 'cancelled'), 0)::bigint`.as('net_cents'),
      sql<Date>`max(created_at)`.as('last_at'),
    ])
    .where('customer_id', '=', customerId)
    .groupBy('currency')
    .orderBy('currency')
    .execute();
  let last: Date | null = null;
  for (const r of rows) if (!last || r.last_at > last) last = r.last_at;
  return {
    order_count: rows.reduce((n, r) => n + r.orders, 0),
    lifetime_value: rows.map((r) => ({ currency: r.currency, cents: r.net_cents })),
    last_order_at: last,
  };
}
