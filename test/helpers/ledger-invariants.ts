import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../../src/db/schema.js';

/**
 * Every invariant of orders, the payment ledger, gift cards and stock, as queries that return the
 * rows breaking them: an empty result means the invariant holds. Used after seeding, after the
 * migration of 0001-era data, and after each step of the property test (there limited to the
 * orders a step touched; gift card balances and stock are always checked whole).
 */

/** Which orders to check: a condition on an order-id column. */
type Scope = (orderIdColumn: string) => RawBuilder<boolean>;

const everyOrder: Scope = () => sql<boolean>`TRUE`;
const ordersIn =
  (ids: readonly string[]): Scope =>
  (column) =>
    sql<boolean>`${sql.ref(column)} = ANY(${[...ids]}::text[])`;

const INVARIANTS: Record<string, (s: Scope) => RawBuilder<unknown>> = {
  'orders.paid_cents and refunded_cents are the sums of the ledger': (s) => sql`
    SELECT o.id FROM orders o
    CROSS JOIN LATERAL (SELECT coalesce(sum(amount_cents) FILTER (WHERE kind = 'payment'), 0) AS paid,
      coalesce(sum(amount_cents) FILTER (WHERE kind = 'refund'), 0) AS refunded FROM payment_transactions t WHERE t.order_id = o.id) AS l
    WHERE ${s('o.id')} AND (o.paid_cents <> l.paid OR o.refunded_cents <> l.refunded OR o.refunded_cents > o.paid_cents)`,
  'per order and method, refunds never exceed payments': (s) => sql`
    SELECT order_id, payment_method_id FROM payment_transactions WHERE ${s('order_id')} GROUP BY order_id, payment_method_id
    HAVING sum(amount_cents) FILTER (WHERE kind = 'refund') > coalesce(sum(amount_cents) FILTER (WHERE kind = 'payment'), 0)`,
  'a refund is the sum of its ledger transactions': (s) => sql`
    SELECT r.id FROM refunds r
    CROSS JOIN LATERAL (SELECT coalesce(sum(amount_cents), 0) AS s FROM payment_transactions t WHERE t.refund_id = r.id AND t.order_id = r.order_id) AS l
    WHERE ${s('r.order_id')} AND r.amount_cents <> l.s`,
  'ledger rows are in the order currency, with methods of the order customer, credited only to gift cards': (s) => sql`
    SELECT t.id FROM payment_transactions t JOIN orders o ON o.id = t.order_id JOIN payment_methods m ON m.id = t.payment_method_id
    LEFT JOIN payment_methods c ON c.id = t.credited_method_id
    WHERE ${s('t.order_id')} AND (t.currency <> o.currency OR m.customer_id <> o.customer_id OR (c.id IS NOT NULL AND (c.customer_id <> o.customer_id OR c.kind <> 'gift_card')))`,
  'gift cards pay and are credited only in their currency, at once': (s) => sql`
    SELECT t.id FROM payment_transactions t JOIN payment_methods m ON m.id = coalesce(t.credited_method_id, t.payment_method_id)
    WHERE ${s('t.order_id')} AND m.kind = 'gift_card' AND (t.status <> 'completed' OR m.currency <> t.currency)`,
  'gift card balances are never negative': () => sql`SELECT id FROM payment_methods WHERE balance_cents < 0`,
  'stock is never negative': () => sql`SELECT sku FROM variants WHERE stock_on_hand < 0`,
  'an order total is the sum of its lines': (s) => sql`
    SELECT o.id FROM orders o CROSS JOIN LATERAL (SELECT sum(quantity::int8 * unit_price_cents) AS s FROM order_items i WHERE i.order_id = o.id) AS l
    WHERE ${s('o.id')} AND o.total_cents <> l.s`,
  'returned quantities stay within lines and match the return records': (s) => sql`
    SELECT i.order_id, i.line_no FROM order_items i
    CROSS JOIN LATERAL (SELECT coalesce(sum(ri.quantity), 0) AS q FROM return_items ri JOIN returns r ON r.id = ri.return_id
      WHERE ri.order_id = i.order_id AND ri.line_no = i.line_no AND r.kind = 'return') AS t
    WHERE ${s('i.order_id')} AND (i.returned_quantity <> t.q OR i.returned_quantity > i.quantity)`,
  'cancelled orders keep no money': (s) => sql`
    SELECT id FROM orders WHERE ${s('id')} AND status = 'cancelled' AND paid_cents <> refunded_cents AND cancel_reason IS NOT NULL`,
  'orders ship to an address of their own customer': (s) => sql`
    SELECT o.id FROM orders o JOIN addresses a ON a.id = o.shipping_address_id WHERE ${s('o.id')} AND a.customer_id <> o.customer_id`,
};

/**
 * The invariants broken right now (of `orderIds` only when given), each with up to 5 offending rows;
 * {} when all hold. One statement for all of them: the property test runs it after every step.
 */
export async function brokenInvariants(db: Kysely<DB>, orderIds?: readonly string[]): Promise<Record<string, unknown[]>> {
  const scope = orderIds ? ordersIn(orderIds) : everyOrder;
  const checks = Object.entries(INVARIANTS).map(
    ([name, query]) => sql`(SELECT ${name}::text AS name, row_to_json(x) AS detail FROM (${query(scope)} LIMIT 5) AS x)`,
  );
  const { rows } = await sql<{ name: string; detail: unknown }>`${sql.join(checks, sql` UNION ALL `)}`.execute(db);
  const broken: Record<string, unknown[]> = {};
  for (const r of rows) (broken[r.name] ??= []).push(r.detail);
  return broken;
}
