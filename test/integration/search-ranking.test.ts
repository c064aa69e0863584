import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MATCHING_WORDS } from '../../src/domains/customers/customer-search.rules.js';
import { CustomersService } from '../../src/domains/customers/customers.service.js';
import { connectTestClient, testApp, textOf, type TestClient } from '../helpers/app.js';
import { codeOf } from '../helpers/assertions.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { allPages, type Found, foundIn } from '../helpers/search.js';
import { ok } from '../helpers/write-fixtures.js';

/** search_customers ranking, paging by rank, did-you-mean, and the word index the triggers keep. */

let tdb: TestDatabase;
let customers: CustomersService;
let mcp: TestClient;

beforeAll(async () => {
  tdb = await createTestDatabase();
  customers = new CustomersService(testApp(tdb));
  mcp = await connectTestClient(tdb);
});

afterAll(async () => {
  await mcp?.close();
  await tdb?.drop();
});

const search = async (query: string, limit = 100) => foundIn(await customers.search({ query, limit }));

describe('relevance order', () => {
  let expected: Found[];

  beforeAll(async () => {
    const add = async (name: string, match: string, email?: string) => ({ id: (await insertCustomer(tdb.db, { name, ...(email ? { email } : {}) })).id, match, name });
    // Inserted out of order; two customers share the exact name (ties go by id).
    const rows = [
      await add('Jozorba Doe', 'fragment'),
      await add('Lee Zorbaline', 'word_prefix'),
      await add('Zorba', 'name'),
      await add('Bob Stone', 'email_fragment', 'zorba.fan@example.com'),
      await add('Zorbaline Jones', 'name_prefix'),
      await add('Mary Zorba', 'word_prefix'),
      await add('Hazorba Lee', 'fragment'),
      await add('ZORBA', 'name'),
      await add('Zorba Smith', 'name_prefix'),
      await add('Ann Zorba-Zorbaline', 'word_prefix'),
    ];
    const rank = ['name', 'name_prefix', 'word_prefix', 'fragment', 'email_fragment'];
    const fold = (n: string) => n.toLowerCase().replace('-', ' ');
    rows.sort((a, b) => rank.indexOf(a.match) - rank.indexOf(b.match) || (fold(a.name) < fold(b.name) ? -1 : fold(a.name) > fold(b.name) ? 1 : a.id < b.id ? -1 : 1));
    expected = rows.map(({ id, match }) => ({ id, match }));
  });

  it('ranks exact name, name prefix, word prefix, fragment, email fragment; ties by name, then id', async () => {
    expect(await search('zorba')).toEqual(expected);
  });

  it('puts an exact email first, and finds the rest by fragments of it', async () => {
    const bob = expected.find((f) => f.match === 'email_fragment') as Found;
    expect(await search('ZORBA.FAN@example.com')).toEqual([{ id: bob.id, match: 'email' }]);
    expect((await search('zorba.fan@')).map((f) => f.match)).toEqual(['email_fragment']);
  });

  it.each([1, 2, 3, 7])('pages through every group at %i per page without duplicates or gaps', async (limit) => {
    expect(await allPages(customers, { query: 'zorba', limit })).toEqual(expected);
  });

  it('a cursor keeps its place when customers are added before it', async () => {
    const first = await customers.search({ query: 'zorba', limit: 4 });
    // A name prefix match that sorts before the last one of the first page.
    const added = await insertCustomer(tdb.db, { name: 'Zorba Aardvark' });
    const rest = await customers.search({ query: 'zorba', limit: 100, cursor: first.nextCursor as string });
    await sql`DELETE FROM customers WHERE id = ${added.id}`.execute(tdb.db);
    expect([...first.customers, ...rest.customers].map((c) => c.id)).toEqual(expected.map((f) => f.id));
  });

  it('refuses a cursor from another query or a forged one', async () => {
    const first = await customers.search({ query: 'zorba', limit: 2 });
    expect(await codeOf(customers.search({ query: 'zorbas', limit: 2, cursor: first.nextCursor as string }))).toBe('VALIDATION');
    expect(await codeOf(customers.search({ query: 'zorba', limit: 2, cursor: 'bm9wZQ' }))).toBe('VALIDATION');
    expect(await codeOf(customers.search({ query: ' x ', limit: 2 }))).toBe('VALIDATION');
    expect(await codeOf(customers.search({ query: "''", limit: 2 }))).toBe('VALIDATION');
  });
});

describe('groups served by walking the name index', () => {
  it('gives the same order when a fragment lies in more words than the vocabulary lookup reads', async () => {
    const names = Array.from({ length: MAX_MATCHING_WORDS + 6 }, (_, i) => `Pat K${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}qwvx`);
    const inserted = [];
    for (const name of names) inserted.push(await insertCustomer(tdb.db, { name }));
    const inner = await insertCustomer(tdb.db, { name: 'Qwvx Start' });
    const sorted = inserted.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1)).map((c) => ({ id: c.id, match: 'fragment' }));
    expect(await search('qwvx')).toEqual([{ id: inner.id, match: 'name_prefix' }, ...sorted]);
    expect(await allPages(customers, { query: 'qwvx', limit: 9 })).toEqual(await search('qwvx'));
  });

  it('matches fragments that span words', async () => {
    const a = await insertCustomer(tdb.db, { name: 'Joan Vexler' });
    const b = await insertCustomer(tdb.db, { name: 'Evan Vexler' });
    expect(await search('an vexl')).toEqual([
      { id: b.id, match: 'fragment' },
      { id: a.id, match: 'fragment' },
    ]);
  });
});

describe('the word index follows the customers', () => {
  it('is updated when a customer is renamed or deleted', async () => {
    const c = await insertCustomer(tdb.db, { name: 'Wilhelmina Quarrington' });
    expect(await search('quarring')).toEqual([{ id: c.id, match: 'word_prefix' }]);
    await sql`UPDATE customers SET name = 'Wilhelmina Oxenford' WHERE id = ${c.id}`.execute(tdb.db);
    expect(await search('quarring')).toEqual([]);
    expect(await search('xenfor')).toEqual([{ id: c.id, match: 'fragment' }]);
    await sql`UPDATE customers SET phone = '+15550001111' WHERE id = ${c.id}`.execute(tdb.db);
    expect(await search('oxenford')).toEqual([{ id: c.id, match: 'word_prefix' }]);
    await sql`DELETE FROM customers WHERE id = ${c.id}`.execute(tdb.db);
    expect(await search('oxenford')).toEqual([]);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM customer_name_words WHERE customer_id = ${c.id}`.execute(tdb.db);
    expect(rows[0]?.n).toBe(0);
  });
});

describe('search_customers tool', () => {
  it('suggests similar emails for a whole email that matches nobody', async () => {
    await insertCustomer(tdb.db, { name: 'Priya Raman', email: 'priya.raman@example.com' });
    const r = await mcp.call('search_customers', { query: 'priya.raman@exmaple.com' });
    const body = ok<{ customers: unknown[]; did_you_mean?: string[] }>(r);
    expect(body.customers).toEqual([]);
    expect(body.did_you_mean).toContain('priya.raman@example.com');
    expect(textOf(r)).toMatch(/Did you mean: .*priya\.raman@example\.com/);
    const exact = ok<{ customers: { match: string }[]; did_you_mean?: string[] }>(await mcp.call('search_customers', { query: 'Priya.Raman@example.com' }));
    expect(exact.customers.map((c) => c.match)).toEqual(['email']);
    expect(exact.did_you_mean).toBeUndefined();
  });

  it('says why each customer matched', async () => {
    const body = ok<{ customers: { name: string; match: string }[] }>(await mcp.call('search_customers', { query: 'zorba', limit: 3 }));
    expect(body.customers.map((c) => c.match)).toEqual(['name', 'name', 'name_prefix']);
  });
});
