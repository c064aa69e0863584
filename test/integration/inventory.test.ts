import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomersService } from '../../src/domains/customers/customers.service.js';
import { InventoryService } from '../../src/domains/inventory/inventory.service.js';
import { connectTestClient, testApp, textOf } from '../helpers/app.js';
import { codeOf } from '../helpers/assertions.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer, insertProduct } from '../helpers/fixtures.js';

let tdb: TestDatabase;
let inventory: InventoryService;
let customers: CustomersService;


const INJECTION = "x'); DROP TABLE products; --";

beforeAll(async () => {
  tdb = await createTestDatabase();
  const deps = testApp(tdb);
  inventory = new InventoryService(deps);
  customers = new CustomersService(deps);
  await insertProduct(tdb.db, { sku: 'WID-001', name: 'Widget 100% cotton', stock_on_hand: 4, price_cents: 1999 });
  await insertProduct(tdb.db, { sku: 'WID-002', name: 'Widget_pro', stock_on_hand: 0 });
  await insertProduct(tdb.db, { sku: 'WID-003', name: 'Widget plain', stock_on_hand: 7 });
  await insertProduct(tdb.db, { sku: 'GAD-001', name: 'Gadget', stock_on_hand: 1 });
});

afterAll(async () => {
  await tdb?.drop();
});

describe('check_inventory by SKU', () => {
  it('returns the products found, any case, and lists the SKUs not found', async () => {
    const r = await inventory.check({ skus: ['wid-001', 'WID-002', 'NOPE-9', 'WID-001'], limit: 20 });
    expect(r.products.map((p) => [p.sku, p.stock_on_hand])).toEqual([
      ['WID-001', 4],
      ['WID-002', 0],
    ]);
    expect(r.notFound).toEqual(['NOPE-9']);
  });

  it('answers NOT_FOUND only when no SKU exists', async () => {
    expect(await codeOf(inventory.check({ skus: ['NOPE-1', INJECTION], limit: 20 }))).toBe('NOT_FOUND');
  });

  it('shapes stock, price and not_found through the client', async () => {
    const client = await connectTestClient(tdb);
    try {
      const r = await client.call('check_inventory', { skus: ['WID-001', 'WID-002', 'NOPE-9'] });
      expect(r.isError).toBeFalsy();
      const s = r.structuredContent as { products: { sku: string; in_stock: boolean; price: unknown }[]; not_found: string[]; has_more: boolean };
      expect(s.products.map((p) => [p.sku, p.in_stock])).toEqual([
        ['WID-001', true],
        ['WID-002', false],
      ]);
      expect(s.products[0]?.price).toEqual({ cents: 1999, currency: 'USD' });
      expect(s.not_found).toEqual(['NOPE-9']);
      expect(s.has_more).toBe(false);
      expect(textOf(r)).toContain('Not found: NOPE-9');

      const both = await client.call('check_inventory', { skus: ['WID-001'], name: 'wid' });
      expect(both.isError).toBe(true);
      expect(textOf(both)).toMatch(/^VALIDATION: give exactly one of skus or name/);
    } finally {
      await client.close();
    }
  });
});

describe('check_inventory by name', () => {
  it('matches % and _ literally', async () => {
    // Unescaped, '0% c' would also match the decoy and 't_' every 't' followed by anything.
    await insertProduct(tdb.db, { sku: 'DEC-001', name: 'Decoy 100 cotton' });
    expect((await inventory.check({ name: '0% c', limit: 20 })).products.map((p) => p.sku)).toEqual(['WID-001']);
    expect((await inventory.check({ name: 't_', limit: 20 })).products.map((p) => p.sku)).toEqual(['WID-002']);
  });

  it('treats SQL as plain text', async () => {
    expect((await inventory.check({ name: INJECTION, limit: 20 })).products).toEqual([]);
    const { count } = (await sql<{ count: number }>`SELECT count(*)::int AS count FROM products`.execute(tdb.db)).rows[0] ?? { count: 0 };
    expect(count).toBeGreaterThanOrEqual(4);
  });

  it('refuses a one-character fragment, a missing filter and a cursor on SKU lookups', async () => {
    expect(await codeOf(inventory.check({ name: ' w ', limit: 20 }))).toBe('VALIDATION');
    expect(await codeOf(inventory.check({ limit: 20 }))).toBe('VALIDATION');
    const page = await inventory.check({ name: 'widget', limit: 1 });
    expect(await codeOf(inventory.check({ skus: ['WID-001'], limit: 20, cursor: page.nextCursor as string }))).toBe('VALIDATION');
    expect(await codeOf(inventory.check({ name: 'gadget', limit: 1, cursor: page.nextCursor as string }))).toBe('VALIDATION');
  });

  it('pages by name with no duplicates or gaps while products are inserted between pages', async () => {
    const names = ['Sprocket A', 'sprocket b', 'Sprocket C', 'SPROCKET D', 'Sprocket E'];
    for (const [n, name] of names.entries()) await insertProduct(tdb.db, { sku: `SPR-00${n}`, name });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await inventory.check({ name: 'sprocket', limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.products.map((p) => p.name));
      await insertProduct(tdb.db, { name: `Sprocket ${guard} late` });
      if (!page.hasMore) break;
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((n) => names.includes(n))).toEqual(names);
  });
});

describe('search_customers fragments', () => {
  it('matches % and _ literally in names and emails, and treats SQL as text', async () => {
    const pct = await insertCustomer(tdb.db, { name: 'Percy 50% Off', email: 'percy@example.com' });
    const und = await insertCustomer(tdb.db, { name: 'Una Underscore', email: 'una_u@example.com' });
    await insertCustomer(tdb.db, { name: 'Pete 50 Off', email: 'saxu@example.com' });
    const ids = async (query: string) => (await customers.search({ query, limit: 20 })).customers.map((c) => c.id);
    // Unescaped, '0% o' would also match Pete and 'a_u' Pete's email saxu@.
    expect(await ids('0% o')).toEqual([pct.id]);
    expect(await ids('a_u')).toEqual([und.id]);
    expect(await ids(INJECTION)).toEqual([]);
    expect(await codeOf(customers.search({ query: 'x', limit: 20 }))).toBe('VALIDATION');
  });
});
