import { type CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerWithStatsQuery } from '../../src/domains/customers/customers.repo.js';
import { productQuery } from '../../src/domains/inventory/products.repo.js';
import { orderDetailQuery } from '../../src/domains/orders/order-detail.repo.js';
import { createPlannerDatabase, indexesUsed, type PlanNode, type PlannerDatabase, seqScansOf } from '../helpers/plans.js';

/**
 * get_order and get_customer read the ledger, shipments, returns, addresses and payment methods of
 * one order or customer beside the row itself: every one of those lookups must use an index.
 */
let tdb: PlannerDatabase;
const ORDERS = 100_000;
const BIG = ['orders', 'order_items', 'payment_transactions', 'shipments', 'payment_methods', 'addresses', 'refunds', 'returns', 'return_items', 'variants'];

const plan = (query: { compile(): CompiledQuery }): Promise<PlanNode[]> => tdb.plan(query);

beforeAll(async () => {
  tdb = await createPlannerDatabase(async (db) => {
    const n = (prefix: string, g: string) => sql.raw(`'${prefix}_' || lpad(${g}::text, 9, '0')`);
    await sql`ALTER TABLE payment_transactions DISABLE TRIGGER payment_transactions_apply`.execute(db);
    await sql`ALTER TABLE orders DISABLE TRIGGER orders_money_follows_ledger`.execute(db);
    await sql`INSERT INTO customers (id, name, email) SELECT ${n('cust', 'g')}, 'C ' || g, 'c' || g || '@example.com' FROM generate_series(1, ${ORDERS / 4}) AS g`.execute(db);
    await sql`INSERT INTO addresses (id, customer_id, recipient, line1, city, postal_code, country)
      SELECT ${n('adr', 'g')}, ${n('cust', 'g')}, 'C', '1 Road', 'Town', '12345', 'US' FROM generate_series(1, ${ORDERS / 4}) AS g`.execute(db);
    await sql`UPDATE customers SET default_address_id = 'adr_' || substr(id, 6)`.execute(db);
    await sql`INSERT INTO payment_methods (id, customer_id, kind, brand, last4, exp_month, exp_year)
      SELECT ${n('pm', 'g')}, ${n('cust', 'g')}, 'card', 'visa', '4242', 1, 2030 FROM generate_series(1, ${ORDERS / 4}) AS g`.execute(db);
    await sql`INSERT INTO products (id, name) SELECT ${n('prd', 'g')}, 'P ' || g FROM generate_series(1, 500) AS g`.execute(db);
    await sql`INSERT INTO variants (sku, product_id, name, options, price_cents, currency, stock_on_hand)
      SELECT 'SKU-' || g || '-' || k, ${n('prd', 'g')}, 'P', jsonb_build_object('size', k), 1000, 'USD', 5 FROM generate_series(1, 500) AS g, generate_series(1, 3) AS k`.execute(db);
    await sql`INSERT INTO orders (id, customer_id, status, currency, total_cents, paid_cents, shipping_address_id)
      SELECT ${n('ord', 'g')}, ${n('cust', `(1 + g % ${ORDERS / 4})`)}, 'delivered', 'USD', 2000, 2000, ${n('adr', `(1 + g % ${ORDERS / 4})`)}
      FROM generate_series(1, ${ORDERS}) AS g`.execute(db);
    await sql`INSERT INTO shipments (id, order_id, carrier, tracking_number, shipped_at, delivered_at)
      SELECT ${n('shp', 'g')}, ${n('ord', 'g')}, 'UPS', '1Z0000000000', now() - interval '3 days', now() FROM generate_series(1, ${ORDERS}) AS g`.execute(db);
    await sql`INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price_cents, shipment_id)
      SELECT ${n('ord', 'g')}, l, 'SKU-' || (1 + g % 500) || '-' || l, 1, 1000, ${n('shp', 'g')} FROM generate_series(1, ${ORDERS}) AS g, generate_series(1, 2) AS l`.execute(db);
    await sql`INSERT INTO payment_transactions (id, order_id, payment_method_id, kind, amount_cents, currency, status, settled_at)
      SELECT ${n('txn', 'g')}, ${n('ord', 'g')}, ${n('pm', `(1 + g % ${ORDERS / 4})`)}, 'payment', 2000, 'USD', 'completed', now() FROM generate_series(1, ${ORDERS}) AS g`.execute(db);
    await sql`INSERT INTO refunds (id, order_id, amount_cents, currency, reason, created_by)
      SELECT ${n('ref', 'g')}, ${n('ord', 'g')}, 100, 'USD', 'goodwill', 'agent' FROM generate_series(1, ${ORDERS}, 10) AS g`.execute(db);
    await sql`INSERT INTO returns (id, order_id, kind, reason, created_by)
      SELECT ${n('ret', 'g')}, ${n('ord', 'g')}, 'return', 'damaged', 'agent' FROM generate_series(1, ${ORDERS}, 5) AS g`.execute(db);
    await sql`INSERT INTO return_items (return_id, order_id, line_no, quantity, sku)
      SELECT ${n('ret', 'g')}, ${n('ord', 'g')}, 1, 1, 'SKU-' || (1 + g % 500) || '-1' FROM generate_series(1, ${ORDERS}, 5) AS g`.execute(db);
    await sql`ALTER TABLE payment_transactions ENABLE TRIGGER payment_transactions_apply`.execute(db);
    await sql`ALTER TABLE orders ENABLE TRIGGER orders_money_follows_ledger`.execute(db);
  });
}, 120_000);

afterAll(async () => {
  await tdb?.drop();
});

describe('query plans of one order and one customer, on 100,000 orders', () => {
  it('get_order reads lines, ledger, shipments, returns, refunds and the address through their indexes', async () => {
    const nodes = await plan(orderDetailQuery(tdb.db, 'ord_000012345'));
    expect(seqScansOf(nodes, BIG)).toEqual([]);
    expect(indexesUsed(nodes)).toEqual(
      expect.arrayContaining(['orders_pkey', 'order_items_pkey', 'payment_transactions_order_idx', 'shipments_order_idx', 'returns_order_idx', 'refunds_order_idx', 'payment_methods_pkey']),
    );
    expect(indexesUsed(nodes).some((i) => i.startsWith('addresses_'))).toBe(true);
  });

  it('get_customer reads the default address and the payment methods through their indexes', async () => {
    const nodes = await plan(customerWithStatsQuery(tdb.db, { id: 'cust_000000042' }));
    expect(seqScansOf(nodes, BIG)).toEqual([]);
    expect(indexesUsed(nodes)).toEqual(expect.arrayContaining(['payment_methods_customer_idx']));
    expect(indexesUsed(nodes).some((i) => i.startsWith('addresses_'))).toBe(true);
  });

  it('get_product by SKU finds the product and its variants through indexes', async () => {
    const nodes = await plan(productQuery(tdb.db, { sku: 'SKU-7-2' }));
    expect(seqScansOf(nodes, BIG)).toEqual([]);
    expect(indexesUsed(nodes)).toEqual(expect.arrayContaining(['variants_pkey', 'products_pkey', 'variants_product_options_key']));
  });
});
