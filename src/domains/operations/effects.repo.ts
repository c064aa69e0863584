import { type Insertable, type Kysely, sql } from 'kysely';
import type { CancelReason, DB, PaymentTransactionsTable, RefundsTable, ReturnItemsTable, ReturnsTable } from '../../db/schema.js';
import { PRE_SHIPMENT_STATUSES } from '../orders/order-rules.js';

/** The statements that apply an operation's effects. Queries only: guards are in SQL, rules elsewhere. */

const values = (rows: readonly (readonly unknown[])[]) => sql.join(rows.map((r) => sql`(${sql.join(r)})`));

const orderColumns = ['id', 'customer_id', 'status', 'currency', 'version', 'total_cents', 'paid_cents', 'refunded_cents'] as const;

/**
 * Bumps the order's version and applies its new total, cancellation or item-change mark. Guarded:
 * the version when given, a cancellation only before shipping, an item change only once.
 */
export async function advanceOrder(
  db: Kysely<DB>,
  orderId: string,
  change: { expectedVersion?: number; totalCents: number; cancelReason?: CancelReason; itemsChanged?: boolean },
) {
  let q = db
    .updateTable('orders')
    .set({
      version: sql<number>`version + 1`,
      updated_at: sql<Date>`now()`,
      total_cents: change.totalCents,
      ...(change.cancelReason ? { status: 'cancelled' as const, cancel_reason: change.cancelReason } : {}),
      ...(change.itemsChanged ? { items_changed_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', orderId);
  if (change.expectedVersion !== undefined) q = q.where('version', '=', change.expectedVersion);
  if (change.cancelReason) q = q.where('status', 'in', PRE_SHIPMENT_STATUSES);
  if (change.itemsChanged) q = q.where('items_changed_at', 'is', null);
  return q.returning(orderColumns).executeTakeFirst();
}

/** Moves stock where no variant would go below zero; returns the SKUs that would have (nothing changed for them). */
export async function moveStock(db: Kysely<DB>, moves: readonly { sku: string; delta: number }[]): Promise<string[]> {
  if (moves.length === 0) return [];
  const { rows } = await sql<{ sku: string }>`
    UPDATE variants AS v SET stock_on_hand = v.stock_on_hand + d.delta, updated_at = now()
    FROM (VALUES ${values(moves.map((m) => [m.sku, sql`${m.delta}::int`]))}) AS d (sku, delta)
    WHERE v.sku = d.sku AND v.stock_on_hand + d.delta >= 0
    RETURNING v.sku`.execute(db);
  const moved = new Set(rows.map((r) => r.sku));
  return moves.filter((m) => !moved.has(m.sku)).map((m) => m.sku);
}

export async function stockOf(db: Kysely<DB>, sku: string): Promise<number> {
  const row = await db.selectFrom('variants').select('stock_on_hand').where('sku', '=', sku).executeTakeFirst();
  return row?.stock_on_hand ?? 0;
}

/** Lines become other variants, each only if it is still the variant the plan saw. Returns how many changed. */
export async function changeLines(db: Kysely<DB>, orderId: string, changes: readonly { lineNo: number; fromSku: string; toSku: string; toUnitCents: number }[]): Promise<number> {
  if (changes.length === 0) return 0;
  const { rows } = await sql<{ line_no: number }>`
    UPDATE order_items AS i SET sku = c.to_sku, unit_price_cents = c.unit
    FROM (VALUES ${values(changes.map((c) => [sql`${c.lineNo}::int`, c.fromSku, c.toSku, sql`${c.toUnitCents}::int`]))}) AS c (line_no, from_sku, to_sku, unit)
    WHERE i.order_id = ${orderId} AND i.line_no = c.line_no AND i.sku = c.from_sku
    RETURNING i.line_no`.execute(db);
  return rows.length;
}

/** Adds returned units, each line only while it stays within its quantity. Returns how many lines changed. */
export async function addReturned(db: Kysely<DB>, orderId: string, returned: readonly { lineNo: number; quantity: number }[]): Promise<number> {
  if (returned.length === 0) return 0;
  const { rows } = await sql<{ line_no: number }>`
    UPDATE order_items AS i SET returned_quantity = i.returned_quantity + r.quantity
    FROM (VALUES ${values(returned.map((r) => [sql`${r.lineNo}::int`, sql`${r.quantity}::int`]))}) AS r (line_no, quantity)
    WHERE i.order_id = ${orderId} AND i.line_no = r.line_no AND i.returned_quantity + r.quantity <= i.quantity
    RETURNING i.line_no`.execute(db);
  return rows.length;
}

/** The methods about to be charged, locked until the transaction ends (gift card balances are read-modify-write). */
export async function lockMethods(db: Kysely<DB>, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('payment_methods').select(['id', 'kind', 'status', 'balance_cents']).where('id', 'in', ids).orderBy('id').forUpdate().execute();
}

/**
 * The refund row (when there is one) and the ledger rows, in one statement; ledger rows in the given
 * order (the ledger trigger applies each to the order and gift card balances).
 */
export async function insertLedger(db: Kysely<DB>, refund: Insertable<RefundsTable> | undefined, rows: readonly Insertable<PaymentTransactionsTable>[]): Promise<void> {
  if (rows.length === 0) return;
  if (refund) await db.with('refund', (qb) => qb.insertInto('refunds').values(refund)).insertInto('payment_transactions').values([...rows]).execute();
  else await db.insertInto('payment_transactions').values([...rows]).execute();
}

/** A return or exchange record and its lines, in one statement. */
export async function insertReturn(db: Kysely<DB>, row: Insertable<ReturnsTable>, items: readonly Omit<Insertable<ReturnItemsTable>, 'return_id' | 'order_id'>[]) {
  await db
    .with('ret', (qb) => qb.insertInto('returns').values(row))
    .insertInto('return_items')
    .values(items.map((i) => ({ ...i, return_id: row.id, order_id: row.order_id })))
    .execute();
}

/** A replacement parcel for exchanged lines, waiting to ship, and the lines moved to it, in one statement. */
export async function insertReplacementShipment(db: Kysely<DB>, id: string, orderId: string, lineNos: readonly number[]): Promise<void> {
  await db
    .with('parcel', (qb) => qb.insertInto('shipments').values({ id, order_id: orderId, kind: 'replacement' }))
    .updateTable('order_items')
    .set({ shipment_id: id })
    .where('order_id', '=', orderId)
    .where('line_no', 'in', lineNos)
    .execute();
}
