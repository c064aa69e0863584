import { type Kysely, type Selectable, sql } from 'kysely';
import { shapedQuery } from '../../db/prepared.js';
import type { CustomersTable, DB, PaymentMethodKind } from '../../db/schema.js';
import { addressJson } from '../orders/order-detail.repo.js';
import type { MethodFields } from '../payments/payments.view.js';

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
      coalesce(sum(paid_cents - refunded_cents) FILTER (WHERE status <> 'cancelled'), 0)::bigint AS net_cents,
      max(created_at) AS last_at
    FROM orders WHERE customer_id = customers.id GROUP BY currency
  ) AS g)`;

export type CustomerMethodRow = MethodFields & { id: string; kind: PaymentMethodKind };

/** The customer's active payment methods, oldest first, with what their labels need. */
const paymentMethodsColumn = sql<CustomerMethodRow[]>`(
  SELECT coalesce(json_agg(json_build_object('id', m.id, 'kind', m.kind, 'brand', m.brand, 'last4', m.last4, 'exp_month', m.exp_month,
    'exp_year', m.exp_year, 'email', m.email, 'balance_cents', m.balance_cents, 'currency', m.currency) ORDER BY m.created_at, m.id), '[]')
  FROM payment_methods AS m WHERE m.customer_id = customers.id AND m.status = 'active')`;

/** One customer by id or by email (any letter case), with its order statistics, default address and payment methods. */
export function customerWithStatsQuery(db: Kysely<DB>, ref: { id: string } | { email: string }) {
  const q = db
    .selectFrom('customers')
    .select([...customerColumns, orderStatsColumn.as('order_stats'), addressJson('customers.default_address_id').as('default_address'), paymentMethodsColumn.as('payment_methods')]);
  return 'id' in ref ? q.where('id', '=', ref.id) : q.where(sql<string>`lower(email)`, '=', ref.email.toLowerCase());
}

export const customerWithStats = shapedQuery({
  name: 'customer_with_stats',
  shape: (ref: { id: string } | { email: string }) => ('id' in ref ? 'id' : 'email'),
  build: customerWithStatsQuery,
  parameters: (ref) => ['id' in ref ? ref.id : ref.email.toLowerCase()],
});

export async function findCustomerWithStats(db: Kysely<DB>, ref: { id: string } | { email: string }) {
  const [row] = await customerWithStats.run(db, ref);
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
