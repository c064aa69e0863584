import { type Kysely, type Selectable, sql } from 'kysely';
import type { CustomersTable, DB } from '../../db/schema.js';

/** Customer queries only: no rules, no shaping. */

export const customerColumns = ['id', 'name', 'email', 'phone', 'tier', 'status', 'created_at', 'updated_at', 'version'] as const;

export type CustomerRow = Pick<Selectable<CustomersTable>, (typeof customerColumns)[number]>;

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


/**
 * Order count and lifetime value (paid amounts net of refunds, cancelled orders excluded) per
 * currency, as one JSON column computed beside the customer row: one round trip per lookup.
 */
const orderStatsColumn = sql<{ currency: string; orders: number; net_cents: number; last_at: string }[]>`(
  SELECT coalesce(json_agg(json_build_object('currency', g.currency, 'orders', g.orders, 'net_cents', g.net_cents, 'last_at', g.last_at)
    ORDER BY g.currency), '[]')
  FROM (
    SELECT currency, count(*)::int AS orders,
      coalesce(sum(total_cents - refunded_cents) FILTER (WHERE status <> 'cancelled'), 0)::bigint AS net_cents,
      max(created_at) AS last_at
    FROM orders WHERE customer_id = customers.id GROUP BY currency
  ) AS g)`;

/** One customer by id or by email (any letter case), with its order statistics. */
export function customerWithStatsQuery(db: Kysely<DB>, ref: { id: string } | { email: string }) {
  const q = db.selectFrom('customers').select([...customerColumns, orderStatsColumn.as('order_stats')]);
  return 'id' in ref ? q.where('id', '=', ref.id) : q.where(sql<string>`lower(email)`, '=', ref.email.toLowerCase());
}

export async function findCustomerWithStats(db: Kysely<DB>, ref: { id: string } | { email: string }) {
  const row = await customerWithStatsQuery(db, ref).executeTakeFirst();
  if (!row) return undefined;
  const { order_stats: stats, ...customer } = row;
  let last: string | null = null;
  for (const g of stats) if (last === null || Date.parse(g.last_at) > Date.parse(last)) last = g.last_at;
  return {
    ...customer,
    order_count: stats.reduce((n, g) => n + g.orders, 0),
    lifetime_value: stats.map((g) => ({ currency: g.currency, cents: Number(g.net_cents) })),
    last_order_at: last === null ? null : new Date(last),
  };
}
