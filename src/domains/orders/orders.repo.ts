import { type Kysely, sql } from 'kysely';
import { preciseIso } from '../../db/keyset.js';
import type { DB, OrderStatus } from '../../db/schema.js';

/** Order listing queries only: no rules, no shaping (one order: order-detail.repo.ts). */

export interface OrderListFilters {
  customerId?: string;
  statuses?: readonly OrderStatus[];
  since?: string;
  until?: string;
  minTotalCents?: number;
  maxTotalCents?: number;
}

export interface OrderListArgs {
  filters: OrderListFilters;
  sort: 'newest' | 'oldest';
  /** Sort key of the last row of the previous page: precise created_at and id. */
  after?: { ts: string; id: string };
  limit: number;
}

/**
 * Orders matching the filters in (created_at, id) order, newest or oldest first. The order and the
 * keyset condition follow orders_customer_created_idx, orders_status_created_idx (one status) and
 * orders_created_idx, so a page is an index range scan whatever its depth.
 */
export function listOrdersQuery(db: Kysely<DB>, args: OrderListArgs) {
  const { filters: f } = args;
  const dir = args.sort === 'newest' ? 'desc' : 'asc';
  let q = db
    .selectFrom('orders')
    .select(['id', 'customer_id', 'status', 'currency', 'total_cents', 'refunded_cents', 'created_at', preciseIso('created_at').as('cursor_ts')]);
  if (f.customerId !== undefined) q = q.where('customer_id', '=', f.customerId);
  if (f.statuses && f.statuses.length === 1) q = q.where('status', '=', f.statuses[0] as OrderStatus);
  else if (f.statuses && f.statuses.length > 1) q = q.where('status', 'in', f.statuses);
  if (f.since !== undefined) q = q.where('created_at', '>=', sql<Date>`${f.since}::timestamptz`);
  if (f.until !== undefined) q = q.where('created_at', '<', sql<Date>`${f.until}::timestamptz`);
  if (f.minTotalCents !== undefined) q = q.where('total_cents', '>=', f.minTotalCents);
  if (f.maxTotalCents !== undefined) q = q.where('total_cents', '<=', f.maxTotalCents);
  if (args.after) {
    const cmp = sql.raw(dir === 'desc' ? '<' : '>');
    q = q.where(sql<boolean>`(created_at, id) ${cmp} (${args.after.ts}::timestamptz, ${args.after.id})`);
  }
  return q.orderBy('created_at', dir).orderBy('id', dir).limit(args.limit);
}

export async function listOrders(db: Kysely<DB>, args: OrderListArgs) {
  return listOrdersQuery(db, args).execute();
}
