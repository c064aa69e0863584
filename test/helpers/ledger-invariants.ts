import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';

/**
 * Every invariant of orders, the payment ledger, gift cards and stock, as queries that return the
 * rows breaking them: an empty result means the invariant holds. Used after seeding, after the
 * migration of 0001-era data, and after each step of the property test.
 */
export const LEDGER_INVARIANTS: Record<string, string> = {
  'orders.paid_cents is the sum of its payments': `
    SELECT o.id FROM orders o LEFT JOIN (SELECT order_id, sum(amount_cents) AS s FROM payment_transactions WHERE kind = 'payment' GROUP BY order_id) t ON t.order_id = o.id
    WHERE o.paid_cents <> coalesce(t.s, 0)`,
  'orders.refunded_cents is the sum of its refund transactions': `
    SELECT o.id FROM orders o LEFT JOIN (SELECT order_id, sum(amount_cents) AS s FROM payment_transactions WHERE kind = 'refund' GROUP BY order_id) t ON t.order_id = o.id
    WHERE o.refunded_cents <> coalesce(t.s, 0)`,
  'per order and method, refunds never exceed payments': `
    SELECT order_id, payment_method_id FROM payment_transactions GROUP BY order_id, payment_method_id
    HAVING sum(amount_cents) FILTER (WHERE kind = 'refund') > coalesce(sum(amount_cents) FILTER (WHERE kind = 'payment'), 0)`,
  'a refund is the sum of its ledger transactions': `
    SELECT r.id FROM refunds r LEFT JOIN (SELECT refund_id, sum(amount_cents) AS s FROM payment_transactions WHERE refund_id IS NOT NULL GROUP BY refund_id) t ON t.refund_id = r.id
    WHERE r.amount_cents <> coalesce(t.s, 0)`,
  'ledger rows are in the order currency, with methods of the order customer': `
    SELECT t.id FROM payment_transactions t JOIN orders o ON o.id = t.order_id JOIN payment_methods m ON m.id = t.payment_method_id
    LEFT JOIN payment_methods c ON c.id = t.credited_method_id
    WHERE t.currency <> o.currency OR m.customer_id <> o.customer_id OR (c.id IS NOT NULL AND (c.customer_id <> o.customer_id OR c.kind <> 'gift_card'))`,
  'gift card refunds complete at once; gift cards pay only their currency': `
    SELECT t.id FROM payment_transactions t JOIN payment_methods m ON m.id = coalesce(t.credited_method_id, t.payment_method_id)
    WHERE m.kind = 'gift_card' AND (t.status <> 'completed' OR m.currency <> t.currency)`,
  'gift card balances are never negative': `SELECT id FROM payment_methods WHERE balance_cents < 0`,
  'stock is never negative': `SELECT sku FROM variants WHERE stock_on_hand < 0`,
  'an order total is the sum of its lines': `
    SELECT o.id FROM orders o JOIN (SELECT order_id, sum(quantity::int8 * unit_price_cents) AS s FROM order_items GROUP BY order_id) i ON i.order_id = o.id
    WHERE o.total_cents <> i.s`,
  'returned quantities stay within lines and match return records': `
    SELECT i.order_id, i.line_no FROM order_items i
    LEFT JOIN (SELECT ri.order_id, ri.line_no, sum(ri.quantity) AS q FROM return_items ri JOIN returns r ON r.id = ri.return_id WHERE r.kind = 'return' GROUP BY 1, 2) t
      ON t.order_id = i.order_id AND t.line_no = i.line_no
    WHERE i.returned_quantity <> coalesce(t.q, 0) OR i.returned_quantity > i.quantity`,
  'cancelled orders keep no money': `
    SELECT id FROM orders WHERE status = 'cancelled' AND paid_cents <> refunded_cents AND cancel_reason IS NOT NULL`,
  'orders ship to an address of their own customer': `
    SELECT o.id FROM orders o JOIN addresses a ON a.id = o.shipping_address_id WHERE a.customer_id <> o.customer_id`,
};

/** The invariants broken right now, each with up to 5 offending rows; {} when all hold. */
export async function brokenInvariants(db: Kysely<DB>): Promise<Record<string, unknown[]>> {
  const broken: Record<string, unknown[]> = {};
  for (const [name, query] of Object.entries(LEDGER_INVARIANTS)) {
    const { rows } = await sql.raw<Record<string, unknown>>(`${query} LIMIT 5`).execute(db);
    if (rows.length > 0) broken[name] = rows;
  }
  return broken;
}
