import { type Kysely, sql } from 'kysely';
import { shapedQuery } from '../../db/prepared.js';
import type { AddressesTable, DB, RefundReason, VariantOptions } from '../../db/schema.js';
import type { MethodFields } from '../payments/payments.view.js';

/** The one-order read: the order with everything get_order shows, in one round trip. No rules, no shaping. */

/** Lines, refunds and ledger transactions shown with one order; the counts say when there were more. */
export const ORDER_ITEMS_MAX = 100;
export const ORDER_REFUNDS_MAX = 50;
export const ORDER_TRANSACTIONS_MAX = 30;

/** Timestamps inside JSON columns arrive as text. */
type JsonTime = string;

export interface OrderItemRow {
  line_no: number;
  sku: string;
  product_id: string;
  name: string;
  options: VariantOptions;
  quantity: number;
  unit_price_cents: number;
  returned_quantity: number;
  shipment_id: string | null;
}

export interface OrderRefundRow {
  id: string;
  amount_cents: number;
  currency: string;
  reason: RefundReason;
  note: string | null;
  created_by: string;
  created_at: JsonTime;
}

export interface LedgerRow {
  id: string;
  kind: 'payment' | 'refund';
  amount_cents: number;
  status: 'pending' | 'completed';
  credited_method_id: string | null;
  expected_settlement_at: JsonTime | null;
  created_at: JsonTime;
}

/** One payment method of the order with its totals and its newest transactions. */
export interface OrderPaymentRow extends MethodFields {
  method_id: string;
  paid_cents: number;
  refunded_cents: number;
  pending_refund_cents: number;
  transactions: LedgerRow[];
}

export interface ShipmentRow {
  id: string;
  kind: 'original' | 'replacement';
  carrier: string | null;
  tracking_number: string | null;
  shipped_at: JsonTime | null;
  delivered_at: JsonTime | null;
  lines: number[];
}

export interface ReturnRow {
  id: string;
  kind: 'return' | 'exchange';
  reason: string;
  status: string;
  created_at: JsonTime;
  items: { line_no: number; quantity: number; sku: string; replacement_sku: string | null }[];
}

/** An address as the JSON column below carries it. */
export type AddressRow = Omit<AddressesTable, 'id' | 'customer_id' | 'created_at'>;

/** The address of `idColumn` as one JSON object (null when none). */
export const addressJson = (idColumn: string) => sql<AddressRow | null>`(
  SELECT json_build_object('recipient', a.recipient, 'line1', a.line1, 'line2', a.line2, 'city', a.city, 'region', a.region,
    'postal_code', a.postal_code, 'country', a.country)
  FROM addresses AS a WHERE a.id = ${sql.ref(idColumn)})`;

const items = sql<OrderItemRow[]>`(
  SELECT coalesce(json_agg(json_build_object('line_no', i.line_no, 'sku', i.sku, 'product_id', v.product_id, 'name', p.name,
    'options', v.options, 'quantity', i.quantity, 'unit_price_cents', i.unit_price_cents, 'returned_quantity', i.returned_quantity,
    'shipment_id', i.shipment_id) ORDER BY i.line_no), '[]')
  FROM (SELECT * FROM order_items WHERE order_id = o.id ORDER BY line_no LIMIT ${ORDER_ITEMS_MAX}) AS i
  JOIN variants AS v ON v.sku = i.sku
  JOIN products AS p ON p.id = v.product_id)`;

const refunds = sql<OrderRefundRow[]>`(
  SELECT coalesce(json_agg(json_build_object('id', r.id, 'amount_cents', r.amount_cents, 'currency', r.currency,
    'reason', r.reason, 'note', r.note, 'created_by', r.created_by, 'created_at', r.created_at)
    ORDER BY r.created_at DESC, r.id DESC), '[]')
  FROM (SELECT * FROM refunds WHERE order_id = o.id ORDER BY created_at DESC, id DESC LIMIT ${ORDER_REFUNDS_MAX}) AS r)`;

/** Per payment method: totals over every transaction, and the newest ORDER_TRANSACTIONS_MAX of the order. */
const payments = sql<OrderPaymentRow[]>`(
  SELECT coalesce(json_agg(json_build_object('method_id', m.id, 'kind', m.kind, 'brand', m.brand, 'last4', m.last4,
    'exp_month', m.exp_month, 'exp_year', m.exp_year, 'email', m.email, 'balance_cents', m.balance_cents, 'currency', m.currency,
    'paid_cents', t.paid_cents, 'refunded_cents', t.refunded_cents, 'pending_refund_cents', t.pending_refund_cents, 'transactions', t.transactions)
    ORDER BY t.first_at, m.id), '[]')
  FROM (
    SELECT payment_method_id, min(created_at) AS first_at,
      coalesce(sum(amount_cents) FILTER (WHERE kind = 'payment'), 0) AS paid_cents,
      coalesce(sum(amount_cents) FILTER (WHERE kind = 'refund'), 0) AS refunded_cents,
      coalesce(sum(amount_cents) FILTER (WHERE kind = 'refund' AND status = 'pending'), 0) AS pending_refund_cents,
      coalesce(json_agg(json_build_object('id', id, 'kind', kind, 'amount_cents', amount_cents, 'status', status,
        'credited_method_id', credited_method_id, 'expected_settlement_at', expected_settlement_at, 'created_at', created_at)
        ORDER BY created_at, id) FILTER (WHERE newest <= ${ORDER_TRANSACTIONS_MAX}), '[]') AS transactions
    FROM (SELECT *, row_number() OVER (ORDER BY created_at DESC, id DESC) AS newest FROM payment_transactions WHERE order_id = o.id) AS x
    GROUP BY payment_method_id
  ) AS t
  JOIN payment_methods AS m ON m.id = t.payment_method_id)`;

const shipments = sql<ShipmentRow[]>`(
  SELECT coalesce(json_agg(json_build_object('id', s.id, 'kind', s.kind, 'carrier', s.carrier, 'tracking_number', s.tracking_number,
    'shipped_at', s.shipped_at, 'delivered_at', s.delivered_at,
    'lines', (SELECT coalesce(array_agg(i.line_no ORDER BY i.line_no), '{}') FROM order_items AS i WHERE i.order_id = o.id AND i.shipment_id = s.id))
    ORDER BY s.created_at, s.id), '[]')
  FROM shipments AS s WHERE s.order_id = o.id)`;

const returns = sql<ReturnRow[]>`(
  SELECT coalesce(json_agg(json_build_object('id', r.id, 'kind', r.kind, 'reason', r.reason, 'status', r.status, 'created_at', r.created_at,
    'items', (SELECT json_agg(json_build_object('line_no', ri.line_no, 'quantity', ri.quantity, 'sku', ri.sku, 'replacement_sku', ri.replacement_sku)
      ORDER BY ri.line_no) FROM return_items AS ri WHERE ri.return_id = r.id))
    ORDER BY r.created_at, r.id), '[]')
  FROM returns AS r WHERE r.order_id = o.id)`;

/** One order with its customer, address, first lines, payments per method, shipments, returns and latest refunds. */
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
      'o.paid_cents',
      'o.refunded_cents',
      'o.items_changed_at',
      'o.cancel_reason',
      'o.created_at',
      'o.updated_at',
      'o.version',
      'c.name as customer_name',
      'c.email as customer_email',
      addressJson('o.shipping_address_id').as('ship_to'),
      items.as('items'),
      sql<number>`(SELECT count(*)::int FROM order_items WHERE order_id = o.id)`.as('item_count'),
      payments.as('payments'),
      shipments.as('shipments'),
      returns.as('returns'),
      refunds.as('refunds'),
      sql<number>`(SELECT count(*)::int FROM refunds WHERE order_id = o.id)`.as('refund_count'),
    ])
    .where('o.id', '=', orderId);
}

/** One shape; the limits inside the JSON columns come first, in the order the select list has them. */
export const orderDetail = shapedQuery({
  name: 'order_detail',
  shape: () => '',
  build: orderDetailQuery,
  parameters: (orderId: string) => [ORDER_ITEMS_MAX, ORDER_TRANSACTIONS_MAX, ORDER_REFUNDS_MAX, orderId],
});

export async function findOrderDetail(db: Kysely<DB>, orderId: string) {
  const [row] = await orderDetail.run(db, orderId);
  return row;
}
