import type { CompiledQuery } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postalMatchesQuery } from '../../src/domains/customers/customer-postal-search.repo.js';
import { readSearchPlan } from '../../src/domains/customers/customer-search.repo.js';
import { queryShape } from '../../src/domains/customers/customer-search.rules.js';
import { createPlannerDatabase, indexesUsed, type PlannerDatabase, seqScansOf } from '../helpers/plans.js';

/**
 * Name plus postal code on 100,000 customers with an address each (and an order address for one in
 * ten): the planner must find the customers at the code through addresses_search_postal_idx and
 * read only them, never the whole customers or addresses table.
 */

let tdb: PlannerDatabase;
const CUSTOMERS = 100_000;

beforeAll(async () => {
  tdb = await createPlannerDatabase(async (db) => {
    await sql`INSERT INTO customers (id, name, email, created_at)
      SELECT 'cust_' || lpad(g::text, 8, '0'), 'Customer ' || substr(md5(g::text), 1, 10), 'user' || g || '@example.com', now() - g * interval '1 minute'
      FROM generate_series(1, ${CUSTOMERS}) AS g`.execute(db);
    // US-style five-digit codes for most, UK-style codes for one in four.
    await sql`INSERT INTO addresses (id, customer_id, recipient, line1, city, postal_code, country)
      SELECT 'adr_' || lpad(g::text, 8, '0'), 'cust_' || lpad((1 + g % ${CUSTOMERS})::text, 8, '0'), 'R', '1 Main Street', 'Town',
        CASE WHEN g % 4 = 0 THEN 'SW' || (g % 20) || ' ' || (g % 9) || 'AB' ELSE lpad(((g * 7919) % 100000)::text, 5, '0') END,
        CASE WHEN g % 4 = 0 THEN 'GB' ELSE 'US' END
      FROM generate_series(1, ${CUSTOMERS + CUSTOMERS / 10}) AS g`.execute(db);
  });
}, 120_000);

afterAll(async () => {
  await tdb?.drop();
});

describe('query plan of name plus postal code on 100,000 customers', () => {
  it.each([
    ['customer 3fa', '62704'],
    ['3fa9', 'sw7 3ab'],
    ['user1234@example.com', '12345'],
  ])('"%s" at %s reads addresses_search_postal_idx, then customers by key', async (query, postalCode) => {
    const plan = await readSearchPlan(tdb.db, query, queryShape(query));
    const compiled = postalMatchesQuery(tdb.db, { plan, names: true, emailFragment: true, postalCode, after: undefined, fetch: 21 });
    const nodes = await tdb.plan(compiled as { compile(): CompiledQuery });
    expect(seqScansOf(nodes, ['customers', 'addresses'])).toEqual([]);
    expect(indexesUsed(nodes)).toEqual(expect.arrayContaining(['addresses_search_postal_idx', 'customers_pkey']));
  });
});
