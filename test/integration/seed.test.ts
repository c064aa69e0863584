import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, DEMO_ORDERS, DEMO_PAYMENT_METHODS, SEED_VOLUMES, seedDatabase, type SeedResult } from '../../seed/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { brokenInvariants } from '../helpers/ledger-invariants.js';

/** One md5 per table over every generated column except timestamps, which follow the clock. */
const FINGERPRINT_SQL = `
  SELECT
    (SELECT md5(string_agg(concat_ws('|', id, name, email, phone, tier, status, version), E'\\n' ORDER BY id)) FROM customers) AS customers,
    (SELECT md5(string_agg(concat_ws('|', id, name), E'\\n' ORDER BY id)) FROM products) AS products,
    (SELECT md5(string_agg(concat_ws('|', sku, product_id, name, options, price_cents, currency, stock_on_hand), E'\\n' ORDER BY sku)) FROM variants) AS variants,
    (SELECT md5(string_agg(concat_ws('|', id, customer_id, recipient, line1, line2, city, region, postal_code, country), E'\\n' ORDER BY id)) FROM addresses) AS addresses,
    (SELECT md5(string_agg(concat_ws('|', id, customer_id, kind, brand, last4, exp_month, exp_year, email, balance_cents, currency), E'\\n' ORDER BY id)) FROM payment_methods) AS payment_methods,
    (SELECT md5(string_agg(concat_ws('|', id, order_id, payment_method_id, kind, amount_cents, currency, status, refund_id), E'\\n' ORDER BY id)) FROM payment_transactions) AS ledger,
    (SELECT md5(string_agg(concat_ws('|', id, order_id, carrier, tracking_number, delivered_at IS NULL), E'\\n' ORDER BY id)) FROM shipments) AS shipments,
    (SELECT md5(string_agg(concat_ws('|', id, customer_id, status, currency, total_cents, paid_cents, refunded_cents, shipping_address_id, cancel_reason, version), E'\\n' ORDER BY id)) FROM orders) AS orders,
    (SELECT md5(string_agg(concat_ws('|', order_id, line_no, sku, quantity, unit_price_cents, shipment_id), E'\\n' ORDER BY order_id, line_no)) FROM order_items) AS order_items,
    (SELECT md5(string_agg(concat_ws('|', id, order_id, amount_cents, currency, reason, note, created_by), E'\\n' ORDER BY id)) FROM refunds) AS refunds,
    (SELECT md5(string_agg(concat_ws('|', id, customer_id, order_id, channel, direction, md5(body), agent), E'\\n' ORDER BY id)) FROM interactions) AS interactions`;

async function count(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: string | number }>(`SELECT (${sql})::int AS n`, params);
  return Number(rows[0]?.n);
}

describe('seedDatabase', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let demo: SeedResult;
  let demoFingerprint: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 2 });
    pool = database.pool;
    demo = await seedDatabase(pool, 'demo');
    demoFingerprint = (await pool.query<Record<string, string>>(FINGERPRINT_SQL)).rows[0] ?? {};
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('loads the demo volumes and reports what it loaded', async () => {
    expect(demo).toMatchObject({ size: 'demo', customers: 1_000, orders: 5_000, products: 500 });
    expect(demo.customers).toBe(SEED_VOLUMES.demo.customers);
    expect(demo.orders).toBe(SEED_VOLUMES.demo.orders);
    expect(await count(pool, 'SELECT count(*) FROM customers')).toBe(demo.customers);
    expect(await count(pool, 'SELECT count(*) FROM orders')).toBe(demo.orders);
    expect(await count(pool, 'SELECT count(*) FROM order_items')).toBe(demo.orderItems);
    expect(await count(pool, 'SELECT count(*) FROM products')).toBe(demo.products);
    expect(await count(pool, 'SELECT count(*) FROM variants')).toBe(demo.variants);
    expect(await count(pool, 'SELECT count(*) FROM addresses')).toBe(demo.customers);
    expect(await count(pool, 'SELECT count(*) FROM payment_methods')).toBe(demo.paymentMethods);
    expect(await count(pool, 'SELECT count(*) FROM payment_transactions')).toBe(demo.paymentTransactions);
    expect(await count(pool, 'SELECT count(*) FROM shipments')).toBe(demo.shipments);
    expect(demo.variants).toBeGreaterThan(2 * demo.products);
    expect(demo.paymentTransactions).toBeGreaterThan(demo.orders);
    expect(await count(pool, 'SELECT count(*) FROM refunds')).toBe(demo.refunds);
    expect(await count(pool, 'SELECT count(*) FROM interactions')).toBe(demo.interactions);
    expect(demo.orderItems).toBeGreaterThan(demo.orders);
    expect(demo.orderItems).toBeLessThanOrEqual(4 * demo.orders);
    expect(demo.interactions).toBeGreaterThanOrEqual(demo.customers);
    expect(demo.interactions).toBeLessThanOrEqual(3 * demo.customers);
    expect(demo.refunds).toBeGreaterThan(0);
  });

  it('contains the documented demo customers and orders', async () => {
    for (const customer of Object.values(DEMO_CUSTOMERS)) {
      const { rows } = await pool.query('SELECT id, name, email FROM customers WHERE lower(email) = lower($1)', [customer.email]);
      expect(rows).toEqual([{ id: customer.id, name: customer.name, email: customer.email }]);
    }
    expect(DEMO_CUSTOMERS.jane).toMatchObject({ name: 'Jane Doe', email: 'jane.doe@example.com' });
    expect(DEMO_CUSTOMERS.sean).toMatchObject({ name: "Seán O'Brien", email: 'sean.obrien+support@example.com' });

    const { rows: janeDelivered } = await pool.query(
      'SELECT customer_id, status, total_cents > refunded_cents AS refundable FROM orders WHERE id = $1',
      [DEMO_ORDERS.janeDelivered],
    );
    expect(janeDelivered).toEqual([{ customer_id: DEMO_CUSTOMERS.jane.id, status: 'delivered', refundable: true }]);
    expect(await count(pool, 'SELECT count(*) FROM orders WHERE customer_id = $1', [DEMO_CUSTOMERS.jane.id])).toBeGreaterThanOrEqual(5);
    expect(await count(pool, 'SELECT count(*) FROM interactions WHERE customer_id = $1', [DEMO_CUSTOMERS.jane.id])).toBeGreaterThan(0);
    const partlyRefunded = await count(pool, 'SELECT count(*) FROM orders WHERE id = $1 AND refunded_cents > 0 AND refunded_cents < total_cents', [
      DEMO_ORDERS.seanPartlyRefunded,
    ]);
    expect(partlyRefunded).toBe(1);
  });

  it('gives the demo customers the addresses, payment methods, variants and shipments the walk-throughs use', async () => {
    const { rows: methods } = await pool.query('SELECT id, kind, last4, balance_cents, currency FROM payment_methods WHERE customer_id = $1 ORDER BY id', [DEMO_CUSTOMERS.jane.id]);
    expect(methods).toEqual([
      { id: DEMO_PAYMENT_METHODS.janeCard, kind: 'card', last4: '4242', balance_cents: null, currency: null },
      { id: DEMO_PAYMENT_METHODS.janePaypal, kind: 'paypal', last4: null, balance_cents: null, currency: null },
      { id: DEMO_PAYMENT_METHODS.janeGiftCard, kind: 'gift_card', last4: '7731', balance_cents: 15_000, currency: 'USD' },
    ]);
    const { rows: split } = await pool.query('SELECT payment_method_id, amount_cents FROM payment_transactions WHERE order_id = $1 ORDER BY payment_method_id', [DEMO_ORDERS.janeSplitPending]);
    expect(split.map((r) => r.payment_method_id)).toEqual([DEMO_PAYMENT_METHODS.janeCard, DEMO_PAYMENT_METHODS.janeGiftCard]);
    expect(split[1]?.amount_cents).toBe(4_000);
    const { rows: swappable } = await pool.query(
      `SELECT i.line_no, (SELECT count(*)::int FROM variants w WHERE w.product_id = v.product_id AND w.stock_on_hand > 0) AS variants
         FROM order_items i JOIN variants v ON v.sku = i.sku WHERE i.order_id = $1 ORDER BY i.line_no`,
      [DEMO_ORDERS.janeExchangeable],
    );
    expect(swappable.length).toBe(2);
    expect(swappable.every((r) => r.variants > 2)).toBe(true);
    const { rows: tracking } = await pool.query('SELECT carrier, tracking_number, shipped_at IS NOT NULL AS shipped, delivered_at FROM shipments WHERE order_id = $1', [DEMO_ORDERS.janeShipped]);
    expect(tracking).toEqual([{ carrier: expect.any(String), tracking_number: expect.stringMatching(/^[A-Z0-9]{6,}$/), shipped: true, delivered_at: null }]);
    const { rows: address } = await pool.query('SELECT a.postal_code, a.country FROM customers c JOIN addresses a ON a.id = c.default_address_id WHERE c.id = $1', [DEMO_CUSTOMERS.jane.id]);
    expect(address).toEqual([{ postal_code: '62704', country: 'US' }]);
    for (const order of [DEMO_ORDERS.janeExchangeable, DEMO_ORDERS.janeReturnable]) {
      const { rows } = await pool.query(`SELECT delivered_at > now() - interval '10 days' AS recent FROM shipments WHERE order_id = $1`, [order]);
      expect(rows).toEqual([{ recent: true }]);
    }
  });

  it('keeps every ledger, gift card and stock invariant', async () => {
    expect(await brokenInvariants(database.db)).toEqual({});
    expect(await count(pool, `SELECT count(*) FROM payment_transactions WHERE kind = 'refund' AND status = 'pending'`)).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(*) FROM payment_methods WHERE kind = 'gift_card'`)).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(DISTINCT options) FROM variants`)).toBeGreaterThan(10);
    expect(await count(pool, `SELECT count(*) FROM pg_trigger WHERE tgname IN ('payment_transactions_apply', 'orders_money_follows_ledger') AND tgenabled = 'O'`)).toBe(2);
  });

  it('keeps money consistent: totals are the sum of the lines, refunds add up and never exceed payments', async () => {
    expect(
      await count(
        pool,
        `SELECT count(*) FROM orders AS o
          LEFT JOIN (SELECT order_id, sum(quantity::int8 * unit_price_cents) AS lines_total, count(*) AS lines
                       FROM order_items GROUP BY order_id) AS i ON i.order_id = o.id
          WHERE i.lines_total IS DISTINCT FROM o.total_cents OR i.lines NOT BETWEEN 1 AND 4`,
      ),
    ).toBe(0);
    expect(
      await count(
        pool,
        `SELECT count(*) FROM orders AS o
          LEFT JOIN (SELECT order_id, sum(amount_cents) AS refunded FROM refunds GROUP BY order_id) AS r ON r.order_id = o.id
          WHERE coalesce(r.refunded, 0) <> o.refunded_cents OR o.refunded_cents > o.paid_cents OR o.paid_cents <> o.total_cents`,
      ),
    ).toBe(0);
    expect(
      await count(
        pool,
        `SELECT count(*) FROM refunds AS r JOIN orders AS o ON o.id = r.order_id
          WHERE r.currency <> o.currency OR (o.status <> 'delivered' AND r.reason <> 'order_cancelled') OR (o.status = 'cancelled') <> (r.reason = 'order_cancelled')`,
      ),
    ).toBe(0);
    expect(await count(pool, `SELECT count(DISTINCT currency) FROM orders`)).toBeGreaterThanOrEqual(3);
  });

  it('has a plausible timeline: recent orders, orders after their customer, history before now', async () => {
    expect(await count(pool, `SELECT count(*) FROM orders WHERE created_at > now() - interval '90 days'`)).toBeGreaterThan(100);
    expect(await count(pool, `SELECT count(*) FROM orders WHERE created_at < now() - interval '365 days'`)).toBeGreaterThan(100);
    expect(await count(pool, `SELECT count(*) FROM orders AS o JOIN customers AS c ON c.id = o.customer_id WHERE o.created_at < c.created_at`)).toBe(0);
    expect(await count(pool, `SELECT count(*) FROM orders WHERE updated_at < created_at OR updated_at > now()`)).toBe(0);
    expect(await count(pool, `SELECT count(*) FROM interactions AS i JOIN orders AS o ON o.id = i.order_id WHERE i.created_at < o.created_at`)).toBe(0);
    expect(await count(pool, `SELECT count(*) FROM interactions WHERE created_at > now()`)).toBe(0);
    const { rows } = await pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM orders GROUP BY status');
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(Object.keys(byStatus).sort()).toEqual(['cancelled', 'delivered', 'paid', 'pending', 'processing', 'shipped']);
    expect(byStatus.delivered).toBeGreaterThan(demo.orders / 2);
  });

  it('includes the awkward text that tools must handle', async () => {
    expect(await count(pool, `SELECT count(*) FROM customers WHERE name LIKE '%''%'`)).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(*) FROM customers WHERE name ~ '[^[:ascii:]]'`)).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(*) FROM customers WHERE name LIKE '%-%'`)).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(*) FROM customers WHERE email LIKE '%+%@%'`)).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(*) FROM customers WHERE email <> lower(email)`)).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(*) FROM customers WHERE phone IS NULL`)).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(DISTINCT split_part(email, '@', 2)) FROM customers`)).toBeGreaterThan(3);
    expect(await count(pool, `SELECT count(*) FROM customers WHERE split_part(email, '@', 2) !~ '(^|\\.)(example\\.(com|org|net)|test|example)$'`)).toBe(0);
    expect(await count(pool, `SELECT count(*) FROM interactions WHERE length(body) > 2000`)).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(*) FROM interactions WHERE body ILIKE '%ignore previous instructions%'`)).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(*) FROM interactions WHERE body ~ '[\\U0001F300-\\U0001FAFF]'`)).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(*) FROM interactions WHERE order_id IS NOT NULL AND position(order_id IN body) > 0`)).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(*) FROM interactions WHERE direction = 'internal'`)).toBeGreaterThan(0);
  });

  it('produces identical data when run again', async () => {
    const again = await seedDatabase(pool, 'demo');
    expect({ ...again, ms: 0 }).toEqual({ ...demo, ms: 0 });
    const fingerprint = (await pool.query<Record<string, string>>(FINGERPRINT_SQL)).rows[0];
    expect(fingerprint).toEqual(demoFingerprint);
  });

  it('replaces the data with the small size in seconds, recreating the indexes it dropped', async () => {
    const indexesBefore = await pool.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`);
    const foreignKeysBefore = await count(pool, `SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated`);

    const small = await seedDatabase(pool, 'small');

    expect(small).toMatchObject({ size: 'small', customers: 10_000, orders: 50_000, products: 500 });
    expect(small.ms).toBeLessThan(60_000);
    expect(await count(pool, 'SELECT count(*) FROM customers')).toBe(10_000);
    expect(await count(pool, 'SELECT count(*) FROM orders')).toBe(50_000);
    expect(await count(pool, 'SELECT count(*) FROM order_items')).toBe(small.orderItems);
    expect(await count(pool, 'SELECT count(*) FROM interactions')).toBe(small.interactions);
    const indexesAfter = await pool.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`);
    expect(indexesAfter.rows).toEqual(indexesBefore.rows);
    expect(await count(pool, `SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated`)).toBe(foreignKeysBefore);
    expect(await brokenInvariants(database.db)).toEqual({});
  }, 180_000);
});
