import { type Kysely, sql } from 'kysely';
import { preciseIso } from '../../db/keyset.js';
import type { DB, OrderStatus, RefundReason } from '../../db/schema.js';

/** Order queries only: no rules, no shaping. */

/** Lines and refunds shown with one order; the counts say when there were more. */
export const ORDER_ITEMS_MAX = 100;
export const ORDER_REFUNDS_MAX = 50;

export interface OrderItemRow {
  line_no: number;
  sku: string;
  name: string;
  quantity: number;
  unit_price_cents: number;
}

export interface OrderRefundRow {
  id: string;
  amount_cents: number;
  currency: string;
  reason: RefundReason;
  note: string | null;
  created_by: string;
  /** JSON text from PostgreSQL, not a Date. */
  created_at: string;
}

/** One order with its customer, first lines (with product names) and latest refunds: one round trip. */
export function orderDetailQuery(db: Kysely<DB>, orderId: string) {
  return db
    .selectFrom('orders as o')
    .innerJoin('customers as c', 'c.id', 'o.customer_id')
    .select([
      'o.id',
      'o.customer_id',
      'o.status',
      'o.currency',
      'o.total_cents',
      'o.refunded_cents',
      'o.created_at',
      'o.updated_at',
      'o.version',
      'c.name as customer_name',
      'c.email as customer_email',
      sql<OrderItemRow[]>`(
        SELECT coalesce(json_agg(json_build_object('line_no', i.line_no, 'sku', i.sku, 'name', p.name,
          'quantity', i.quantity, 'unit_price_cents', i.unit_price_cents) ORDER BY i.line_no), '[]')
        FROM (SELECT * FROM order_items WHERE order_id = o.id ORDER BY line_no LIMIT ${ORDER_ITEMS_MAX}) AS i
        JOIN products AS p ON p.sku = i.sku)`.as('items'),
      sql<number>`(SELECT count(*)::int FROM order_items WHERE order_id = o.id)`.as('item_count'),
      sql<OrderRefundRow[]>`(
        SELECT coalesce(json_agg(json_build_object('id', r.id, 'amount_cents', r.amount_cents, 'currency', r.currency,
          'reason', r.reason, 'note', r.note, 'created_by', r.created_by, 'created_at', r.created_at)
          ORDER BY r.created_at DESC, r.id DESC), '[]')
        FROM (SELECT * FROM refunds WHERE order_id = o.id ORDER BY created_at DESC, id DESC LIMIT ${ORDER_REFUNDS_MAX}) AS r)`.as('refunds'),
      sql<number>`(SELECT count(*)::int FROM refunds WHERE order_id = o.id)`.as('refund_count'),
    ])
    .where('o.id', '=', orderId);
}

export async function findOrderDetail(db: Kysely<DB>, orderId: string) {
  return orderDetailQuery(db, orderId).executeTakeFirst();
}

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
