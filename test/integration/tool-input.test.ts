import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestClient, type TestClient, textOf } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer, insertInteraction } from '../helpers/fixtures.js';
import { errorCode, errorDetails, ok, orderWithTotal } from '../helpers/write-fixtures.js';

/** Schema errors follow the domain-error contract; text PostgreSQL cannot hold never reaches it. */

let tdb: TestDatabase;
let app: TestClient;

beforeAll(async () => {
  tdb = await createTestDatabase();
  app = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_PRINCIPAL: 'sup-input' });
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

const lines = (r: Awaited<ReturnType<TestClient['call']>>) => textOf(r).split('\n');

describe('schema errors as tool results', () => {
  it('answers amount_cents "10.00" with VALIDATION, the field and a cents hint', async () => {
    const c = await insertCustomer(tdb.db);
    const order = await orderWithTotal(tdb.db, c.id, 5_000);
    const r = await app.call('prepare_refund', { order_id: order.id, amount_cents: '10.00', reason: 'goodwill' });
    expect(r.isError).toBe(true);
    expect(lines(r)[0]).toBe('VALIDATION: amount_cents: "10.00" is not an accepted value');
    expect(lines(r)[1]).toBe('Hint: integer cents, e.g. 1000 for 10.00');
    expect(errorDetails(r)).toEqual({ field: 'amount_cents' });
    expect(r.structuredContent).toBeUndefined();
  });

  it('names an unknown field and lists the accepted ones', async () => {
    const r = await app.call('get_customer', { id: 'cust_abcdef', shoe_size: 9 });
    expect(lines(r)[0]).toBe('VALIDATION: shoe_size: not a field of this tool');
    expect(lines(r)[1]).toMatch(/^Hint: Accepted fields: id, email/);
  });

  it('says a missing field is required, and hints with its description', async () => {
    const r = await app.call('add_interaction_note', { body: 'hello' });
    expect(lines(r)[0]).toBe('VALIDATION: customer_id: is required');
    expect(lines(r)[1]).toMatch(/^Hint: customer_id: Customer id \(cust_/);
  });

  it('lists the allowed values of an enum', async () => {
    const r = await app.call('list_orders', { status: ['teleported'] });
    expect(lines(r)[0]).toBe('VALIDATION: status.0: "teleported" is not an accepted value');
    expect(lines(r)[1]).toMatch(/^Hint: One of: pending, paid, /);
  });

  it('gives a wrong type with what was expected and what came', async () => {
    const r = await app.call('search_customers', { query: 'jane', limit: '5' });
    expect(lines(r)[0]).toBe('VALIDATION: limit: expected number, got "5"');
    expect(errorCode(r)).toBe('VALIDATION');
  });
});

describe('liberal where it is safe', () => {
  it('takes a single status where a list is expected', async () => {
    const c = await insertCustomer(tdb.db);
    await orderWithTotal(tdb.db, c.id, 1_000, 'paid');
    await orderWithTotal(tdb.db, c.id, 2_000, 'delivered');
    const one = ok<{ orders: { status: string }[] }>(await app.call('list_orders', { customer_id: c.id, status: 'paid' }));
    const list = ok<{ orders: { status: string }[] }>(await app.call('list_orders', { customer_id: c.id, status: ['paid'] }));
    expect(one.orders.map((o) => o.status)).toEqual(['paid']);
    expect(one).toEqual(list);
  });

  it('takes a date without a time as the start of that day in UTC', async () => {
    const c = await insertCustomer(tdb.db);
    const byDate = ok(await app.call('get_customer_history', { customer_id: c.id, since: '2020-01-31', until: '2099-01-01' }));
    const byTime = ok(await app.call('get_customer_history', { customer_id: c.id, since: '2020-01-31T00:00:00Z', until: '2099-01-01T00:00:00Z' }));
    expect(byDate).toEqual(byTime);
    const later = await app.call('get_customer_history', { customer_id: c.id, since: '2020-02-01', until: '2020-01-31' });
    expect(textOf(later)).toMatch(/since \(2020-02-01T00:00:00Z\) must not be later than until \(2020-01-31T00:00:00Z\)/);
  });
});

describe('text PostgreSQL cannot store', () => {
  it.each([
    ['a NUL byte', 'Called\u0000back', /NUL/],
    ['a lone low surrogate', 'Called \udfff back', /surrogate/],
    ['a lone high surrogate', 'Called \ud800', /surrogate/],
  ])('refuses %s with VALIDATION naming the field, and writes nothing', async (_name, body, problem) => {
    const c = await insertCustomer(tdb.db);
    const r = await app.call('add_interaction_note', { customer_id: c.id, body });
    expect(lines(r)[0]).toMatch(/^VALIDATION: body: contains /);
    expect(lines(r)[0]).toMatch(problem);
    expect(await tdb.db.selectFrom('interactions').select('id').where('customer_id', '=', c.id).execute()).toEqual([]);
  });

  it('refuses it in a nested field too (an address line)', async () => {
    const c = await insertCustomer(tdb.db);
    const address = { recipient: 'Jane', line1: '1 Main\u0000 St', city: 'Springfield', postal_code: '12345', country: 'US' };
    const r = await app.call('update_customer', { customer_id: c.id, expected_version: 1, default_address: address });
    expect(lines(r)[0]).toMatch(/^VALIDATION: default_address\.line1: contains a NUL/);
  });

  it('accepts paired surrogates (emoji)', async () => {
    const c = await insertCustomer(tdb.db);
    const r = await app.call('add_interaction_note', { customer_id: c.id, body: 'Thanks \ud83d\ude00' });
    expect(r.isError).toBeFalsy();
  });
});

describe('forged cursors', () => {
  /** A real next_cursor with its key replaced: the scope stays valid, only the values are forged. */
  const forge = (cursor: string, key: unknown[]) => {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s: string; k: unknown[] };
    return Buffer.from(JSON.stringify({ s: parsed.s, k: key }), 'utf8').toString('base64url');
  };

  it('refuses a cursor with a valid scope and impossible values as VALIDATION', async () => {
    const c = await insertCustomer(tdb.db);
    for (let i = 0; i < 2; i++) await insertInteraction(tdb.db, { customerId: c.id, body: `hello ${i}` });
    const first = ok<{ next_cursor: string }>(await app.call('get_customer_history', { customer_id: c.id, limit: 1 }));
    const real = JSON.parse(Buffer.from(first.next_cursor, 'base64url').toString('utf8')) as { k: string[] };
    expect(ok(await app.call('get_customer_history', { customer_id: c.id, limit: 1, cursor: forge(first.next_cursor, real.k) }))).toBeDefined();
    for (const key of [['2024-13-45T99:99:99.000000Z', ...real.k.slice(1)], ['2024-02-30T10:00:00.000000Z', ...real.k.slice(1)], [real.k[0], real.k[1], 'int_\u0000']]) {
      const r = await app.call('get_customer_history', { customer_id: c.id, limit: 1, cursor: forge(first.next_cursor, key) });
      expect(lines(r)[0], textOf(r)).toMatch(/^VALIDATION: cursor/);
    }
  });

  it('refuses one on list_orders as well', async () => {
    const c = await insertCustomer(tdb.db);
    for (let i = 0; i < 2; i++) await orderWithTotal(tdb.db, c.id, 1_000 + i);
    const first = ok<{ next_cursor: string }>(await app.call('list_orders', { customer_id: c.id, limit: 1 }));
    const r = await app.call('list_orders', { customer_id: c.id, limit: 1, cursor: forge(first.next_cursor, ['9999-99-99T00:00:00.000000Z', 'ord_abcdef']) });
    expect(lines(r)[0], textOf(r)).toMatch(/^VALIDATION: cursor/);
  });
});
