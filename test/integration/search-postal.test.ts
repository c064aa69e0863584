import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAddress } from '../../src/domains/addresses/addresses.repo.js';
import { CustomersService } from '../../src/domains/customers/customers.service.js';
import { connectTestClient, testApp, textOf, type TestClient } from '../helpers/app.js';
import { codeOf } from '../helpers/assertions.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { allPages, foundIn } from '../helpers/search.js';
import { ok } from '../helpers/write-fixtures.js';

/** search_customers by name plus postal code: namesakes told apart by where they live or ship to. */

let tdb: TestDatabase;
let customers: CustomersService;
let mcp: TestClient;

const address = (postal_code: string, country = 'GB') => ({ recipient: 'R', line1: '1 High Street', city: 'Town', postal_code, country });

/** A customer named `name` whose default address is at `postal`. */
async function livingAt(name: string, postal: string, country?: string) {
  const c = await insertCustomer(tdb.db, { name });
  const adr = await insertAddress(tdb.db, c.id, address(postal, country));
  await sql`UPDATE customers SET default_address_id = ${adr} WHERE id = ${c.id}`.execute(tdb.db);
  return c;
}

const found = async (query: string, postalCode: string, limit = 100, cursor?: string) => foundIn(await customers.search({ query, postalCode, limit, ...(cursor ? { cursor } : {}) }));

beforeAll(async () => {
  tdb = await createTestDatabase();
  customers = new CustomersService(testApp(tdb));
  mcp = await connectTestClient(tdb);
});

afterAll(async () => {
  await mcp?.close();
  await tdb?.drop();
});

describe('search_customers with postal_code', () => {
  it('tells namesakes apart, whatever the spacing, dashes and case of the code', async () => {
    const london = await livingAt('Jane Quillfeather', 'SW1A 1AA');
    const leeds = await livingAt('Jane Quillfeather', 'LS1 4AP');
    expect((await customers.search({ query: 'jane quillfeather', limit: 10 })).customers).toHaveLength(2);
    for (const postal of ['SW1A 1AA', 'sw1a1aa', 'Sw1a-1aa', ' SW1A  1AA ']) {
      expect(await found('jane quillfeather', postal), postal).toEqual([{ id: london.id, match: 'name' }]);
    }
    expect(await found('quillfeather', 'ls1 4ap')).toEqual([{ id: leeds.id, match: 'word_prefix' }]);
    expect(await found('quillfeather', 'ZZ9 9ZZ')).toEqual([]);
  });

  it('a code finds the longer codes it starts: a ZIP finds ZIP+4', async () => {
    const plus4 = await livingAt('Homer Brightwater', '62704-1234', 'US');
    expect(await found('brightwater', '62704')).toEqual([{ id: plus4.id, match: 'word_prefix' }]);
    expect(await found('brightwater', '62705')).toEqual([]);
  });

  it('counts an order\'s shipping address as well as the default', async () => {
    const c = await livingAt('Otto Lindqvarn', '11122', 'SE');
    await insertAddress(tdb.db, c.id, address('41319', 'SE'));
    expect(await found('lindqvarn', '413 19')).toEqual([{ id: c.id, match: 'word_prefix' }]);
    expect(await found('lindqvarn', '111 22')).toEqual([{ id: c.id, match: 'word_prefix' }]);
  });

  it('ranks within the code as the plain search does, and pages on by rank', async () => {
    const postal = 'EH1 2NG';
    const made = [
      await livingAt('Ada Morvenhall', postal),
      await livingAt('Morvenhall', postal),
      await livingAt('Morvenhall Ray', postal),
      await livingAt('Bea Xmorvenhall', postal),
      await livingAt('Morvenhall', 'EH9 9ZZ'),
    ];
    const id = (i: number) => made[i]?.id;
    const expected = [
      { id: id(1), match: 'name' },
      { id: id(2), match: 'name_prefix' },
      { id: id(0), match: 'word_prefix' },
      { id: id(3), match: 'fragment' },
    ];
    expect(await found('morvenhall', postal)).toEqual(expected);
    expect(await allPages(customers, { query: 'morvenhall', postalCode: postal, limit: 1 })).toEqual(expected);
    // A cursor belongs to its postal code: another code, or none, refuses it.
    const first = await customers.search({ query: 'morvenhall', postalCode: postal, limit: 1 });
    expect(await codeOf(customers.search({ query: 'morvenhall', postalCode: 'EH9 9ZZ', limit: 1, cursor: first.nextCursor as string }))).toBe('VALIDATION');
    expect(await codeOf(customers.search({ query: 'morvenhall', limit: 1, cursor: first.nextCursor as string }))).toBe('VALIDATION');
  });

  it('an exact email or phone still comes first, and only at that code', async () => {
    const c = await livingAt('Pia Strandqvist', 'DK 2100', 'DK');
    expect(await found(c.email.toUpperCase(), '2100')).toEqual([]);
    expect(await found(c.email.toUpperCase(), 'DK2100')).toEqual([{ id: c.id, match: 'email' }]);
  });

  it('refuses a postal code without 2 letters or digits', async () => {
    expect(await codeOf(customers.search({ query: 'jane', postalCode: ' - ', limit: 5 }))).toBe('VALIDATION');
    expect(await codeOf(customers.search({ query: 'jane', postalCode: '1', limit: 5 }))).toBe('VALIDATION');
  });

  it('through the tool: postal_code narrows the result and the text says where', async () => {
    const c = await livingAt('Wren Tallowmere', 'CF10 1EP');
    await livingAt('Wren Tallowmere', 'CF99 1NA');
    const r = await mcp.client.callTool({ name: 'search_customers', arguments: { query: 'wren tallowmere', postal_code: 'cf10 1ep' } });
    expect(ok<{ customers: { id: string }[] }>(r as never).customers.map((x) => x.id)).toEqual([c.id]);
    const none = await mcp.client.callTool({ name: 'search_customers', arguments: { query: 'wren tallowmere', postal_code: 'ZZ1 1ZZ' } });
    expect(textOf(none as never)).toBe('No customers match "wren tallowmere" at postal code "ZZ1 1ZZ".');
  });
});
