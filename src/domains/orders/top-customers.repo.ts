import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';

/** The revenue ranking query only: no rules, no caching. */

export interface TopCustomersArgs {
  since: Date;
  currency: string;
  limit: number;
}

/**
 * Customers ranked by net revenue (paid minus refunded, cancelled orders excluded) of orders
 * placed since `since` in one currency. Aggregates over the orders_created_idx range first and
 * joins customers only for the top `limit` rows; ties go to the lower customer id.
 */
export function topCustomersQuery(db: Kysely<DB>, args: TopCustomersArgs) {
  return db
    .with('ranked', (qb) =>
      qb
        .selectFrom('orders')
        .select([
          'customer_id',
          sql<number>`count(*)::int`.as('order_count'),
          sql<number>`sum(paid_cents - refunded_cents)::bigint`.as('net_cents'),
        ])
        .where('created_at', '>=', args.since)
        .where('currency', '=', args.currency)
        .where('status', '<>', 'cancelled')
        .groupBy('customer_id')
        .orderBy('net_cents', 'desc')
        .orderBy('customer_id')
        .limit(args.limit),
    )
    .selectFrom('ranked')
    .innerJoin('customers as c', 'c.id', 'ranked.customer_id')
    .select(['ranked.customer_id', 'ranked.order_count', 'ranked.net_cents', 'c.name', 'c.email', 'c.tier'])
    .orderBy('ranked.net_cents', 'desc')
    .orderBy('ranked.customer_id');
}

export async function topCustomers(db: Kysely<DB>, args: TopCustomersArgs) {
  return topCustomersQuery(db, args).execute();
}
