import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { OrdersService } from '../../src/domains/orders/orders.service.js';
import { TopCustomersService } from '../../src/domains/orders/top-customers.service.js';
import { cacheTags } from '../../src/lib/cache.js';
import { connectTestClient, testApp, textOf, type TestClient } from '../helpers/app.js';
import { codeOf } from '../helpers/assertions.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer, insertOrder, insertProduct } from '../helpers/fixtures.js';

let tdb: TestDatabase;
let deps: App;
let orders: OrdersService;
let sku: string;


const newOrder = (customerId: string, cents: number, extra: Partial<Parameters<typeof insertOrder>[1]> = {}) =>
  insertOrder(tdb.db, { customerId, items: [{ sku, quantity: 1, unitPriceCents: cents }], ...extra });

/** Sets created_at with microsecond precision, which a JS Date cannot carry. */
const setCreatedAt = (id: string, ts: string) => sql`UPDATE orders SET created_at = ${ts}::timestamptz WHERE id = ${id}`.execute(tdb.db);

beforeAll(async () => {
  tdb = await createTestDatabase();
  deps = testApp(tdb);
  orders = new OrdersService(deps);
  sku = (await insertProduct(tdb.db, { name: 'Blue Widget', price_cents: 1250 })).sku;
});

afterAll(async () => {
  await tdb?.drop();
});

describe('get_order', () => {
  it('returns lines with product names, balances, refunds and the customer', async () => {
    const c = await insertCustomer(tdb.db, { name: 'Olga Order' });
    const other = await insertProduct(tdb.db, { name: 'Red Gadget' });
    const o = await insertOrder(tdb.db, {
      customerId: c.id,
      items: [
        { sku, quantity: 2, unitPriceCents: 1250 },
        { sku: other.sku, quantity: 1, unitPriceCents: 500 },
      ],
      refundedCents: 700,
    });
    await tdb.db.updateTable('refunds').set({ reason: 'damaged', note: 'x'.repeat(1000), created_by: 'agent-1' }).where('order_id', '=', o.id).execute();

    const got = await orders.get(o.id);
    expect(got.customer).toEqual({ id: c.id, name: 'Olga Order', email: c.email });
    expect(got.items.map((i) => [i.line_no, i.name, i.quantity, i.unit_price_cents])).toEqual([
      [1, 'Blue Widget', 2, 1250],
      [2, 'Red Gadget', 1, 500],
    ]);
    expect(got.total_cents).toBe(3000);
    expect(got.refundable_cents).toBe(2300);
    expect(got.refund_count).toBe(1);

    const client = await connectTestClient(tdb);
    try {
      const r = await client.call('get_order', { order_id: o.id });
      expect(r.isError).toBeFalsy();
      const s = r.structuredContent as Record<string, unknown> & { items: Record<string, unknown>[]; refunds: { note: string }[] };
      expect(s.items.map((i) => [i.quantity, i.unit_price_cents])).toEqual([
        [2, 1250],
        [1, 500],
      ]);
      expect(s).toMatchObject({ currency: 'USD', total_cents: 3000, refunded_cents: 700, refundable_cents: 2300 });
      // Lean: amounts in the order's one currency, nothing the rest of the result already says.
      for (const derived of ['total', 'refundable', 'item_count', 'refund_count']) expect(s).not.toHaveProperty(derived);
      for (const derived of ['line_total_cents', 'product_id', 'shipment_id']) expect(s.items[0]).not.toHaveProperty(derived);
      // The completed payment is paid_cents already: only the refund is listed as a transaction.
      expect(s.payments).toEqual([
        expect.objectContaining({ paid_cents: 3000, refunded_cents: 700, transactions: [expect.objectContaining({ kind: 'refund', amount_cents: 700, status: 'completed' })] }),
      ]);
      expect(textOf(r)).toMatch(/Amounts in USD: total 30\.00, /);
      expect(textOf(r).match(/USD/g)).toHaveLength(1);
      // Typed by an agent: cut, then fenced as untrusted text.
      const fenced = /^<(untrusted-[0-9a-f]+)>(.*)<\/\1>$/s.exec(s.refunds[0]?.note ?? '');
      expect(fenced?.[2]).toMatch(/…\[truncated\]$/);
      expect(fenced?.[2]?.length).toBeLessThanOrEqual(300);
      expect(textOf(r)).toContain(o.id);
    } finally {
      await client.close();
    }
  });

  it('has nothing refundable on pending or cancelled orders', async () => {
    const c = await insertCustomer(tdb.db);
    for (const status of ['pending', 'cancelled'] as const) {
      const o = await newOrder(c.id, 900, { status });
      expect((await orders.get(o.id)).refundable_cents).toBe(0);
    }
  });

  it('answers NOT_FOUND with a hint for an unknown order, through the client', async () => {
    const client = await connectTestClient(tdb);
    try {
      const r = await client.call('get_order', { order_id: 'ord_doesnotexist' });
      expect(r.isError).toBe(true);
      expect(r.structuredContent).toBeUndefined();
      expect(textOf(r)).toMatch(/^NOT_FOUND: No order with id ord_doesnotexist\.\nHint: .*list_orders/);
    } finally {
      await client.close();
    }
  });

  it('serves repeats from the cache until the order tag is invalidated', async () => {
    const c = await insertCustomer(tdb.db);
    const o = await newOrder(c.id, 1000);
    await orders.get(o.id);
    const hits = (await deps.metrics.snapshot()).cache.hits;
    await sql`UPDATE orders SET status = 'shipped' WHERE id = ${o.id}`.execute(tdb.db);
    expect((await orders.get(o.id)).status).toBe('delivered');
    expect((await deps.metrics.snapshot()).cache.hits).toBe(hits + 1);
    deps.cache.invalidate([cacheTags.order(o.id)]);
    expect((await orders.get(o.id)).status).toBe('shipped');
  });
});

describe('list_orders', () => {
  it('pages newest first with no duplicates or gaps while orders are inserted between pages', async () => {
    const c = await insertCustomer(tdb.db);
    const base: string[] = [];
    for (let n = 0; n < 13; n++) base.push((await newOrder(c.id, 100 + n)).id);
    // Same millisecond, different microseconds; and an exact tie broken by id.
    for (const [i, id] of base.entries()) await setCreatedAt(id, `2024-03-01T10:00:00.${String(100 + Math.floor(i / 2)).padStart(6, '0')}Z`);

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const page = await orders.list({ customerId: c.id, sort: 'newest', limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.orders.map((o) => o.id));
      const stamps = page.orders.map((o) => o.created_at.getTime());
      expect(stamps).toEqual([...stamps].sort((a, b) => b - a));
      await newOrder(c.id, 5); // newer than everything listed so far
      if (!page.hasMore) break;
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => base.includes(id)).sort()).toEqual([...base].sort());
  });

  it('pages oldest first too, across microsecond-distinct timestamps', async () => {
    const c = await insertCustomer(tdb.db);
    const ids: string[] = [];
    for (let n = 0; n < 7; n++) {
      const o = await newOrder(c.id, 100);
      await setCreatedAt(o.id, `2024-05-0${n + 1}T00:00:00.000001Z`);
      ids.push(o.id);
    }
    const first = await orders.list({ customerId: c.id, sort: 'oldest', limit: 3 });
    expect(first.orders.map((o) => o.id)).toEqual(ids.slice(0, 3));
    const rest = await orders.list({ customerId: c.id, sort: 'oldest', limit: 10, cursor: first.nextCursor as string });
    expect(rest.orders.map((o) => o.id)).toEqual(ids.slice(3));
    expect(rest.hasMore).toBe(false);
    expect(rest.nextCursor).toBeUndefined();
  });

  it('filters by status, total range and time window', async () => {
    const c = await insertCustomer(tdb.db);
    const small = await newOrder(c.id, 500, { status: 'paid', createdAt: new Date('2024-06-01T00:00:00Z') });
    const big = await newOrder(c.id, 50_000, { status: 'shipped', createdAt: new Date('2024-06-10T00:00:00Z') });
    const cancelled = await newOrder(c.id, 700, { status: 'cancelled', createdAt: new Date('2024-06-20T00:00:00Z') });
    const ids = async (f: Parameters<OrdersService['list']>[0]) => (await orders.list(f)).orders.map((o) => o.id);
    const base = { customerId: c.id, sort: 'newest' as const, limit: 10 };
    expect(await ids({ ...base, statuses: ['paid', 'shipped'] })).toEqual([big.id, small.id]);
    expect(await ids({ ...base, statuses: ['cancelled'] })).toEqual([cancelled.id]);
    expect(await ids({ ...base, minTotalCents: 600, maxTotalCents: 700 })).toEqual([cancelled.id]);
    expect(await ids({ ...base, since: '2024-06-10T00:00:00Z', until: '2024-06-20T00:00:00Z' })).toEqual([big.id]);
    expect(await ids({ ...base, statuses: ['delivered'] })).toEqual([]);
  });

  it('refuses contradictory ranges and cursors from other filters', async () => {
    const c = await insertCustomer(tdb.db);
    await newOrder(c.id, 100);
    await newOrder(c.id, 200);
    const base = { customerId: c.id, sort: 'newest' as const, limit: 1 };
    expect(await codeOf(orders.list({ ...base, minTotalCents: 10, maxTotalCents: 5 }))).toBe('VALIDATION');
    expect(await codeOf(orders.list({ ...base, since: '2024-02-01T00:00:00Z', until: '2024-01-01T00:00:00Z' }))).toBe('VALIDATION');
    const page = await orders.list(base);
    expect(await codeOf(orders.list({ ...base, sort: 'oldest', cursor: page.nextCursor as string }))).toBe('VALIDATION');
    expect(await codeOf(orders.list({ ...base, cursor: 'bm90IGEgY3Vyc29y' }))).toBe('VALIDATION');
  });

  it('answers NOT_FOUND for an unknown customer but an empty page for a customer without orders', async () => {
    expect(await codeOf(orders.list({ customerId: 'cust_nosuchcustomer', sort: 'newest', limit: 5 }))).toBe('NOT_FOUND');
    const c = await insertCustomer(tdb.db);
    const page = await orders.list({ customerId: c.id, sort: 'newest', limit: 5 });
    expect(page).toEqual({ orders: [], hasMore: false });
  });

  it('validates through the client: VALIDATION result text and a well-formed page', async () => {
    const c = await insertCustomer(tdb.db);
    await newOrder(c.id, 100);
    await newOrder(c.id, 200);
    const client = await connectTestClient(tdb);
    try {
      const bad = await client.call('list_orders', { customer_id: c.id, min_total_cents: 9, max_total_cents: 1 });
      expect(bad.isError).toBe(true);
      expect(textOf(bad)).toMatch(/^VALIDATION: min_total_cents/);
      const ok = await client.call('list_orders', { customer_id: c.id, limit: 1 });
      expect(ok.isError).toBeFalsy();
      const s = ok.structuredContent as { orders: { id: string; refunded?: unknown }[]; has_more: boolean; next_cursor?: string };
      expect(s.orders).toHaveLength(1);
      expect(s.orders[0]).not.toHaveProperty('refunded');
      expect(s.has_more).toBe(true);
      const next = await client.call('list_orders', { customer_id: c.id, limit: 1, cursor: s.next_cursor });
      expect((next.structuredContent as { orders: { id: string }[] }).orders[0]?.id).not.toBe(s.orders[0]?.id);
    } finally {
      await client.close();
    }
  });
});

describe('top_customers', () => {
  let client: TestClient;
  let topDb: TestDatabase;

  beforeAll(async () => {
    // A database of its own, so other tests' orders do not enter the ranking.
    topDb = await createTestDatabase();
    client = await connectTestClient(topDb);
  });

  afterAll(async () => {
    await client?.close();
    await topDb?.drop();
  });

  it('ranks by net revenue in the window and currency, and serves repeats from the cache', async () => {
    const p = await insertProduct(topDb.db);
    const order = (customerId: string, cents: number, extra: Partial<Parameters<typeof insertOrder>[1]> = {}) =>
      insertOrder(topDb.db, { customerId, items: [{ sku: p.sku, quantity: 1, unitPriceCents: cents }], ...extra });
    const ann = await insertCustomer(topDb.db, { name: 'Ann' });
    const bob = await insertCustomer(topDb.db, { name: 'Bob' });
    const cid = await insertCustomer(topDb.db, { name: 'Cid' });
    await order(ann.id, 10_000, { refundedCents: 6_000 }); // net 4,000
    await order(ann.id, 1_000); // ann: 5,000 over 2 orders
    await order(bob.id, 3_000);
    await order(bob.id, 90_000, { status: 'cancelled' }); // excluded
    await order(bob.id, 80_000, { currency: 'EUR' }); // other currency
    await order(cid.id, 99_000, { createdAt: new Date(Date.now() - 200 * 86_400_000) }); // outside 90 days

    const svc = new TopCustomersService(client.app);
    const first = await svc.top({ days: 90, currency: 'usd', limit: 10 });
    expect(first.customers.map((c) => [c.customer_id, c.net_cents, c.order_count])).toEqual([
      [ann.id, 5_000, 2],
      [bob.id, 3_000, 1],
    ]);
    expect((await svc.top({ days: 365, currency: 'USD', limit: 1 })).customers.map((c) => c.customer_id)).toEqual([cid.id]);

    const hits = (await client.app.metrics.snapshot()).cache.hits;
    await order(bob.id, 50_000); // bob would now lead, but nothing invalidated the ranking
    const repeat = await client.call('top_customers', { currency: 'USD' });
    expect((await client.app.metrics.snapshot()).cache.hits).toBe(hits + 1);
    const cached = repeat.structuredContent as { customers: { customer_id: string; rank: number; net_revenue: { cents: number } }[] };
    expect(cached.customers.map((c) => c.customer_id)).toEqual([ann.id, bob.id]);

    client.app.cache.invalidate([cacheTags.topCustomers]);
    const fresh = await client.call('top_customers', { currency: 'USD' });
    const now = fresh.structuredContent as typeof cached;
    expect(now.customers.map((c) => [c.rank, c.customer_id, c.net_revenue.cents])).toEqual([
      [1, bob.id, 53_000],
      [2, ann.id, 5_000],
    ]);
    expect(textOf(fresh)).toContain('530.00 USD');
  });
});
