import { type Kysely, sql } from 'kysely';
import type { CancelReason, DB, OrderStatus, VariantOptions } from '../../db/schema.js';
import type { MethodOnOrder } from '../payments/payment-rules.js';
import type { MethodFields } from '../payments/payments.view.js';

/** What an order operation needs to know of an order, read in one statement (locked when asked). No rules. */

export interface OrderLineState {
  lineNo: number;
  sku: string;
  productId: string;
  quantity: number;
  unitPriceCents: number;
  returnedQuantity: number;
  shipmentId: string | null;
  deliveredAt: Date | null;
  /** The variant's current list price (in the variant's currency). */
  listPriceCents: number;
}

/** A method of the order's customer, with what it paid and got back on this order. */
export type OrderMethod = MethodOnOrder & MethodFields;

export interface OrderState {
  id: string;
  customerId: string;
  status: OrderStatus;
  currency: string;
  totalCents: number;
  paidCents: number;
  refundedCents: number;
  version: number;
  itemsChangedAt: Date | null;
  cancelReason: CancelReason | null;
  lines: OrderLineState[];
  /** Every method of the customer: those that paid this order first (first payment first), then the others. */
  methods: OrderMethod[];
}

interface LineJson {
  line_no: number;
  sku: string;
  product_id: string;
  quantity: number;
  unit_price_cents: number;
  returned_quantity: number;
  shipment_id: string | null;
  delivered_at: string | null;
  list_price_cents: number;
}

type MethodJson = MethodFields & { id: string; status: 'active' | 'removed'; paid_cents: number; refunded_cents: number };

function orderStateQuery(db: Kysely<DB>, orderId: string) {
  return db
    .selectFrom('orders as o')
    .select([
      'o.id',
      'o.customer_id',
      'o.status',
      'o.currency',
      'o.total_cents',
      'o.paid_cents',
      'o.refunded_cents',
      'o.version',
      'o.items_changed_at',
      'o.cancel_reason',
      sql<LineJson[]>`(
        SELECT coalesce(json_agg(json_build_object('line_no', i.line_no, 'sku', i.sku, 'product_id', v.product_id, 'quantity', i.quantity,
          'unit_price_cents', i.unit_price_cents, 'returned_quantity', i.returned_quantity, 'shipment_id', i.shipment_id,
          'delivered_at', s.delivered_at, 'list_price_cents', v.price_cents) ORDER BY i.line_no), '[]')
        FROM order_items AS i JOIN variants AS v ON v.sku = i.sku LEFT JOIN shipments AS s ON s.id = i.shipment_id
        WHERE i.order_id = o.id)`.as('lines'),
      sql<MethodJson[]>`(
        SELECT coalesce(json_agg(json_build_object('id', m.id, 'kind', m.kind, 'status', m.status, 'brand', m.brand, 'last4', m.last4,
          'exp_month', m.exp_month, 'exp_year', m.exp_year, 'email', m.email, 'balance_cents', m.balance_cents, 'currency', m.currency,
          'paid_cents', coalesce(t.paid_cents, 0), 'refunded_cents', coalesce(t.refunded_cents, 0)) ORDER BY t.first_at NULLS LAST, m.id), '[]')
        FROM payment_methods AS m
        LEFT JOIN (
          SELECT payment_method_id, min(created_at) AS first_at,
            sum(amount_cents) FILTER (WHERE kind = 'payment') AS paid_cents, sum(amount_cents) FILTER (WHERE kind = 'refund') AS refunded_cents
          FROM payment_transactions WHERE order_id = o.id GROUP BY payment_method_id
        ) AS t ON t.payment_method_id = m.id
        WHERE m.customer_id = o.customer_id)`.as('methods'),
    ])
    .where('o.id', '=', orderId);
}

/**
 * The order's state; with `lock`, the order row stays locked until the transaction ends. The lock is
 * taken by a statement of its own: a statement that waits for a row lock still reads its subqueries
 * from the snapshot it started with, so the ledger is read only once the lock is held.
 */
export async function loadOrderState(db: Kysely<DB>, orderId: string, options: { lock: boolean }): Promise<OrderState | undefined> {
  if (options.lock && !(await db.selectFrom('orders').select('id').where('id', '=', orderId).forUpdate().executeTakeFirst())) return undefined;
  const row = await orderStateQuery(db, orderId).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    customerId: row.customer_id,
    status: row.status,
    currency: row.currency,
    totalCents: row.total_cents,
    paidCents: row.paid_cents,
    refundedCents: row.refunded_cents,
    version: row.version,
    itemsChangedAt: row.items_changed_at,
    cancelReason: row.cancel_reason,
    lines: row.lines.map((l) => ({
      lineNo: l.line_no,
      sku: l.sku,
      productId: l.product_id,
      quantity: l.quantity,
      unitPriceCents: l.unit_price_cents,
      returnedQuantity: l.returned_quantity,
      shipmentId: l.shipment_id,
      deliveredAt: l.delivered_at === null ? null : new Date(l.delivered_at),
      listPriceCents: l.list_price_cents,
    })),
    methods: row.methods.map((m) => ({
      ...m,
      balanceCents: m.balance_cents,
      paidCents: m.paid_cents,
      refundedCents: m.refunded_cents,
    })),
  };
}

export interface VariantRow {
  sku: string;
  product_id: string;
  name: string;
  options: VariantOptions;
  price_cents: number;
  currency: string;
  stock_on_hand: number;
}

/** Variants by SKU (any that exist). */
export async function findVariants(db: Kysely<DB>, skus: readonly string[]): Promise<VariantRow[]> {
  if (skus.length === 0) return [];
  return db.selectFrom('variants').select(['sku', 'product_id', 'name', 'options', 'price_cents', 'currency', 'stock_on_hand']).where('sku', 'in', skus).execute();
}
