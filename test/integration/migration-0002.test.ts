import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, SqlFileMigrationProvider } from '../../src/db/migrate.js';
import { connectTestClient, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { brokenInvariants } from '../helpers/ledger-invariants.js';
import { ok } from '../helpers/write-fixtures.js';

// 0002 on a database that holds 0001-era data: products, orders in every status, refunds (one, two,
// none behind refunded_cents), cancelled orders, refund intents. The data must come out consistent.
let tdb: TestDatabase;

const ORDERS = 3_000;

/** 0001-shaped data, set-based: row j's status cycles through all six; refunds by j's remainders. */
const LEGACY_DATA = [
  `INSERT INTO customers (id, name, email, created_at)
   SELECT 'cust_' || lpad(to_hex(c), 8, '0'), 'Legacy ' || c, 'legacy' || c || '@example.com', now() - interval '400 days' FROM generate_series(1, 300) AS c`,
  `INSERT INTO products (sku, name, price_cents, currency, stock_on_hand)
   SELECT 'LEG-' || (1000 + p), 'Legacy product ' || p, 500 + p * 37, 'USD', p % 7 FROM generate_series(1, 40) AS p`,
  `INSERT INTO orders (id, customer_id, status, currency, total_cents, refunded_cents, created_at, updated_at)
   SELECT 'ord_' || lpad(to_hex(j), 8, '0'), 'cust_' || lpad(to_hex(1 + j % 300), 8, '0'),
     (ARRAY['pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled'])[1 + j % 6], (ARRAY['USD', 'EUR'])[1 + j % 2], 0, 0,
     now() - j * interval '1 hour', now() - j * interval '1 hour' + interval '30 minutes'
   FROM generate_series(1, ${ORDERS}) AS j`,
  `INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price_cents)
   SELECT o.id, l, 'LEG-' || (1001 + (hashtext(o.id || l) & 1023) % 40), 1 + l % 3, 1000 + l * 250
   FROM orders AS o CROSS JOIN LATERAL generate_series(1, 1 + (hashtext(o.id) & 3)) AS l`,
  `UPDATE orders AS o SET total_cents = t.s FROM (SELECT order_id, sum(quantity * unit_price_cents) AS s FROM order_items GROUP BY 1) AS t WHERE t.order_id = o.id`,
  // Delivered: every 5th refunded in part by one refund, the next in full by two.
  `INSERT INTO refunds (id, order_id, amount_cents, currency, reason, created_by, created_at)
   SELECT 'ref_' || lpad(to_hex(2 * n), 8, '0'), id, total_cents / 3, currency, 'damaged', 'legacy-agent', updated_at + interval '1 day'
   FROM (SELECT id, total_cents, currency, updated_at, row_number() OVER (ORDER BY id) AS n FROM orders WHERE status = 'delivered') AS d WHERE n % 5 = 0`,
  `INSERT INTO refunds (id, order_id, amount_cents, currency, reason, created_by, created_at)
   SELECT 'ref_' || lpad(to_hex(2 * n + k), 8, '0'), id, CASE k WHEN 0 THEN total_cents / 2 ELSE total_cents - total_cents / 2 END, currency, 'goodwill', 'legacy-agent',
     updated_at + k * interval '1 day'
   FROM (SELECT id, total_cents, currency, updated_at, row_number() OVER (ORDER BY id) AS n FROM orders WHERE status = 'delivered') AS d
   CROSS JOIN generate_series(0, 1) AS k WHERE n % 5 = 1`,
  // Cancelled before shipping after a partial refund (0001 allowed it).
  `INSERT INTO refunds (id, order_id, amount_cents, currency, reason, created_by, created_at)
   SELECT 'ref_' || lpad(to_hex(100000 + n), 8, '0'), id, 100, currency, 'other', 'legacy-agent', updated_at
   FROM (SELECT id, currency, updated_at, row_number() OVER (ORDER BY id) AS n FROM orders WHERE status = 'cancelled') AS c WHERE n % 4 = 0`,
  `UPDATE orders AS o SET refunded_cents = r.s FROM (SELECT order_id, sum(amount_cents) AS s FROM refunds GROUP BY 1) AS r WHERE r.order_id = o.id`,
  // refunded_cents without refund rows (written directly in 0001 days) on some shipped orders.
  `UPDATE orders SET refunded_cents = 250 WHERE status = 'shipped' AND hashtext(id) % 7 = 0`,
  `INSERT INTO refund_intents (id, order_id, amount_cents, currency, reason, created_by, created_role, expires_at)
   SELECT 'rfi_pending' || j, id, 100, currency, 'goodwill', 'legacy-agent', 'agent', now() + interval '10 minutes'
   FROM (SELECT id, currency, row_number() OVER (ORDER BY id) AS j FROM orders WHERE status = 'delivered' AND refunded_cents = 0) AS d WHERE j <= 3`,
  `INSERT INTO refund_intents (id, order_id, amount_cents, currency, reason, created_by, created_role, status, expires_at, confirmed_at, refund_id, response)
   SELECT 'rfi_done00' || n, order_id, amount_cents, currency, reason, created_by, 'agent', 'done', created_at, created_at, id, '{"refund_id": "x"}'
   FROM (SELECT *, row_number() OVER (ORDER BY id) AS n FROM refunds) AS r WHERE n <= 5`,
  `UPDATE refunds AS r SET intent_id = i.id FROM refund_intents AS i WHERE i.refund_id = r.id`,
];

async function scalar<T>(query: string): Promise<T> {
  const { rows } = await sql.raw<{ v: T }>(query).execute(tdb.db);
  return rows[0]?.v as T;
}

let before: { orders: number; refunds: number; refunded: number; products: number; pending: number };

beforeAll(async () => {
  tdb = await createTestDatabase({ empty: true });
  const migrator = new Migrator({ db: tdb.db, provider: new SqlFileMigrationProvider() });
  const first = await migrator.migrateTo('0001_initial');
  expect(first.error).toBeUndefined();
  for (const statement of LEGACY_DATA) await sql.raw(statement).execute(tdb.db);
  before = {
    orders: await scalar<number>('SELECT count(*)::int AS v FROM orders'),
    refunds: await scalar<number>('SELECT count(*)::int AS v FROM refunds'),
    refunded: await scalar<number>('SELECT sum(refunded_cents)::int8 AS v FROM orders'),
    products: await scalar<number>('SELECT count(*)::int AS v FROM products'),
    pending: await scalar<number>(`SELECT count(*)::int AS v FROM refund_intents WHERE status = 'pending'`),
  };
  const outcome = await migrateToLatest(tdb.db);
  expect(outcome.error).toBeUndefined();
  expect(outcome.applied[0]).toBe('0002_order_operations');
}, 120_000);

afterAll(async () => {
  await tdb?.drop();
});

describe('migration 0002 on 0001-era data', () => {
  it('keeps every order and refund, and comes out with every ledger invariant holding', async () => {
    expect(before.orders).toBe(ORDERS);
    expect(before.refunds).toBeGreaterThan(100);
    expect(await scalar<number>('SELECT count(*)::int AS v FROM orders')).toBe(before.orders);
    expect(await scalar<number>('SELECT count(*)::int AS v FROM refunds')).toBe(before.refunds);
    expect(await scalar<number>('SELECT sum(refunded_cents)::int8 AS v FROM orders')).toBe(before.refunded);
    expect(await brokenInvariants(tdb.db)).toEqual({});
  });

  it('turns each product into the only variant of a product of the same name', async () => {
    expect(await scalar<number>('SELECT count(*)::int AS v FROM variants')).toBe(before.products);
    expect(await scalar<number>('SELECT count(*)::int AS v FROM products')).toBe(before.products);
    expect(await scalar<number>(`SELECT count(*)::int AS v FROM variants v JOIN products p ON p.id = v.product_id WHERE p.name = v.name AND v.options = '{}'`)).toBe(before.products);
    expect(await scalar<number>(`SELECT count(*)::int AS v FROM order_items i LEFT JOIN variants v ON v.sku = i.sku WHERE v.sku IS NULL`)).toBe(0);
  });

  it('records payments consistent with totals and refunds: paid in full unless cancelled, on a legacy method per customer', async () => {
    expect(await scalar<number>(`SELECT count(*)::int AS v FROM orders WHERE status <> 'cancelled' AND paid_cents <> total_cents`)).toBe(0);
    expect(await scalar<number>(`SELECT count(*)::int AS v FROM orders WHERE status = 'cancelled' AND paid_cents <> refunded_cents`)).toBe(0);
    expect(await scalar<number>(`SELECT count(DISTINCT kind)::int AS v FROM payment_methods`)).toBe(1);
    expect(await scalar<string>(`SELECT min(kind) AS v FROM payment_methods`)).toBe('legacy');
    expect(await scalar<number>(`SELECT count(*)::int AS v FROM customers c WHERE (SELECT count(*) FROM payment_methods m WHERE m.customer_id = c.id) <> 1`)).toBe(0);
    // The directly written refunded_cents became one balancing refund transaction each.
    const unrecorded = await scalar<number>(`SELECT count(*)::int AS v FROM payment_transactions WHERE kind = 'refund' AND refund_id IS NULL`);
    expect(unrecorded).toBe(await scalar<number>(`SELECT count(*)::int AS v FROM orders WHERE status = 'shipped' AND refunded_cents = 250`));
    expect(unrecorded).toBeGreaterThan(0);
  });

  it('gives shipped and delivered orders a shipment of every line, delivered at the last status change', async () => {
    expect(await scalar<number>(`SELECT count(*)::int AS v FROM shipments`)).toBe(await scalar<number>(`SELECT count(*)::int AS v FROM orders WHERE status IN ('shipped', 'delivered')`));
    expect(await scalar<number>(`SELECT count(*)::int AS v FROM shipments s JOIN orders o ON o.id = s.order_id WHERE (s.delivered_at IS NOT NULL) <> (o.status = 'delivered')`)).toBe(0);
    expect(await scalar<number>(`SELECT count(*)::int AS v FROM order_items i JOIN orders o ON o.id = i.order_id WHERE (i.shipment_id IS NOT NULL) <> (o.status IN ('shipped', 'delivered'))`)).toBe(0);
  });

  it('keeps refund intents as refund kinds of the generic intents, still confirmable', async () => {
    expect(await scalar<number>(`SELECT count(*)::int AS v FROM intents WHERE kind = 'refund' AND status = 'pending'`)).toBe(before.pending);
    expect(await scalar<number>(`SELECT count(*)::int AS v FROM intents WHERE kind <> 'refund'`)).toBe(0);
    expect(await scalar<string | null>(`SELECT to_regclass('refund_intents')::text AS v`)).toBeNull();
    const client: TestClient = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'agent', SUPPORTDESK_PRINCIPAL: 'legacy-agent' });
    try {
      const receipt = ok<{ refund_id: string; money: { status: string; to: string }[] }>(await client.call('confirm_action', { intent_id: 'rfi_pending1' }));
      expect(receipt.money).toEqual([expect.objectContaining({ status: 'pending', to: expect.stringContaining('Original payment') })]);
      expect(await brokenInvariants(tdb.db)).toEqual({});
    } finally {
      await client.close();
    }
  });

  it('leaves the ledger guarded: order sums cannot be written directly and the ledger is append-only', async () => {
    const id = await scalar<string>(`SELECT min(id) AS v FROM orders WHERE status = 'delivered'`);
    await expect(sql`UPDATE orders SET refunded_cents = refunded_cents + 1 WHERE id = ${id}`.execute(tdb.db)).rejects.toMatchObject({ constraint: 'orders_money_follows_ledger' });
    await expect(sql`DELETE FROM payment_transactions WHERE order_id = ${id}`.execute(tdb.db)).rejects.toMatchObject({ constraint: 'payment_transactions_append_only' });
    await expect(sql`UPDATE payment_transactions SET amount_cents = amount_cents + 1 WHERE order_id = ${id}`.execute(tdb.db)).rejects.toMatchObject({
      constraint: 'payment_transactions_append_only',
    });
  });

  it('cancels a migrated pending order through the new operations, back to its legacy method', async () => {
    const client = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_PRINCIPAL: 'sup' });
    try {
      const id = await scalar<string>(`SELECT min(id) AS v FROM orders WHERE status = 'pending'`);
      const prepared = ok<{ intent_id: string; refund_cents: number }>(await client.call('prepare_cancel_order', { order_id: id, reason: 'customer_request' }));
      expect(prepared.refund_cents).toBe(await scalar<number>(`SELECT total_cents AS v FROM orders WHERE id = '${id}'`));
      ok(await client.call('confirm_action', { intent_id: prepared.intent_id }));
      expect(await scalar<string>(`SELECT status AS v FROM orders WHERE id = '${id}'`)).toBe('cancelled');
      expect(await brokenInvariants(tdb.db)).toEqual({});
    } finally {
      await client.close();
    }
  });
});
