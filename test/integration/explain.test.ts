import type { CompiledQuery } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailFragmentQuery, rankedMatchesQuery, readSearchPlan, searchPlanQuery } from '../../src/domains/customers/customer-search.repo.js';
import { queryShape } from '../../src/domains/customers/customer-search.rules.js';
import { customerByEmailQuery } from '../../src/domains/customers/customers.repo.js';
import { HISTORY_KINDS, historyQuery } from '../../src/domains/history/history.repo.js';
import { listOrdersQuery } from '../../src/domains/orders/orders.repo.js';
import { createPlannerDatabase, indexesUsed, type PlanNode, type PlannerDatabase, seqScansOf } from '../helpers/plans.js';

/**
 * The planner's choices for the SQL the repos generate (compiled from the same Kysely builders),
 * on enough rows for the statistics to be realistic: the hot lookups must use their indexes.
 */

let tdb: PlannerDatabase;
const CUSTOMERS = 100_000;
/** One customer with many orders: the planner knows it (most common value) and must still not sort them all. */
const BIG_CUSTOMER_ORDERS = 20_000;
const customerId = (n: number) => `cust_${String(n).padStart(8, '0')}`;

const plan = (query: { compile(): CompiledQuery }): Promise<PlanNode[]> => tdb.plan(query);

/**
 * Sequential scans of the big tables. (refunds is left out: for a customer with thousands of
 * orders, hashing the small refunds table can legitimately beat thousands of index probes.)
 */
const BIG_TABLES = ['customers', 'orders', 'interactions'];
const seqScans = (nodes: PlanNode[]) => seqScansOf(nodes, BIG_TABLES);

beforeAll(async () => {
  tdb = await createPlannerDatabase(async (db) => {
    await sql`INSERT INTO customers (id, name, email, tier, created_at)
      SELECT 'cust_' || lpad(g::text, 8, '0'), 'Customer ' || substr(md5(g::text), 1, 10), 'user' || g || '@example' || (g % 50) || '.com',
        (ARRAY['standard','silver','gold','platinum'])[1 + g % 4], now() - g * interval '1 minute'
      FROM generate_series(1, ${CUSTOMERS}) AS g`.execute(db);
    await sql`INSERT INTO orders (id, customer_id, status, currency, total_cents, created_at, updated_at)
      SELECT 'ord_' || lpad(g::text, 9, '0'), 'cust_' || lpad((1 + g % ${CUSTOMERS})::text, 8, '0'),
        (ARRAY['pending','paid','processing','shipped','delivered','cancelled'])[1 + g % 6], 'USD', 100 + g % 10000,
        now() - (g % 5000) * interval '1 hour', now()
      FROM generate_series(1, ${CUSTOMERS * 2}) AS g`.execute(db);
    await sql`INSERT INTO orders (id, customer_id, status, currency, total_cents, created_at, updated_at)
      SELECT 'ord_big' || lpad(g::text, 9, '0'), ${customerId(1)}, 'delivered', 'USD', 100 + g % 10000, now() - g * interval '1 minute', now()
      FROM generate_series(1, ${BIG_CUSTOMER_ORDERS}) AS g`.execute(db);
    await sql`INSERT INTO refunds (id, order_id, amount_cents, currency, reason, created_by, created_at)
      SELECT 'ref_' || lpad(g::text, 9, '0'), 'ord_' || lpad(g::text, 9, '0'), 50, 'USD', 'goodwill', 'agent', now() - (g % 5000) * interval '1 hour'
      FROM generate_series(1, ${CUSTOMERS * 2}, 10) AS g`.execute(db);
    await sql`INSERT INTO interactions (id, customer_id, channel, direction, body, created_at)
      SELECT 'int_' || lpad(g::text, 9, '0'), 'cust_' || lpad((1 + g % ${CUSTOMERS})::text, 8, '0'), 'email', 'inbound',
        'Message number ' || g, now() - (g % 4000) * interval '1 hour'
      FROM generate_series(1, ${CUSTOMERS}) AS g`.execute(db);
  });
}, 120_000);

afterAll(async () => {
  await tdb?.drop();
});

describe('query plans on 100,000 customers and 220,000 orders', () => {
  it('search reads the folded name index and the word index, never the whole customers table', async () => {
    const cases = [
      { query: '3fa9', via: 'customer_name_words_pkey' },
      { query: 'customer 3fa', via: 'customers_search_name_idx' },
      { query: 'Customer 3fa9', via: 'customers_search_name_idx' },
    ];
    for (const { query, via } of cases) {
      const searchPlan = await readSearchPlan(tdb.db, query, queryShape(query));
      const nodes = await plan(rankedMatchesQuery(tdb.db, { plan: searchPlan, names: true, after: undefined, fetch: 21 }) as { compile(): CompiledQuery });
      expect(seqScans(nodes), query).toEqual([]);
      expect(indexesUsed(nodes), query).toContain(via);
    }
    const emailPlan = await readSearchPlan(tdb.db, 'user1234@', queryShape('user1234@'));
    expect(seqScans(await plan(emailFragmentQuery(tdb.db, { plan: emailPlan, names: true, after: undefined, fetch: 21 }))), 'user1234@').toEqual([]);
  });

  it('the search plan finds emails, phones and vocabulary words through indexes', async () => {
    for (const query of ['User77@Example27.com', '+1 (555) 010-0123']) {
      const nodes = await plan({ compile: () => searchPlanQuery(query, queryShape(query)).compile(tdb.db) });
      expect(seqScans(nodes), query).toEqual([]);
      expect(indexesUsed(nodes), query).toEqual(expect.arrayContaining(query.includes('@') ? ['customers_email_lower_key'] : ['customers_search_phone_idx', 'customers_search_phone_reverse_idx']));
    }
  });

  it('exact email lookup uses the lower(email) unique index', async () => {
    const nodes = await plan(customerByEmailQuery(tdb.db, 'User77@Example27.com'));
    expect(seqScans(nodes)).toEqual([]);
    expect(indexesUsed(nodes)).toEqual(['customers_email_lower_key']);
  });

  it('list_orders by customer is an index range scan, on later pages too, without sorting a big customer', async () => {
    for (const id of [customerId(42), customerId(1)]) {
      const first = await plan(listOrdersQuery(tdb.db, { filters: { customerId: id }, sort: 'newest', limit: 21 }));
      const later = await plan(
        listOrdersQuery(tdb.db, { filters: { customerId: id }, sort: 'oldest', after: { ts: '2020-01-01T00:00:00.000000Z', id: 'ord_000000000' }, limit: 21 }),
      );
      for (const nodes of [first, later]) {
        expect(seqScans(nodes), id).toEqual([]);
        expect(indexesUsed(nodes), id).toEqual(['orders_customer_created_idx']);
        if (id === customerId(1)) expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
      }
    }
  });

  it('list_orders by one status, newest first, walks orders_status_created_idx without sorting', async () => {
    const nodes = await plan(listOrdersQuery(tdb.db, { filters: { statuses: ['shipped'] }, sort: 'newest', limit: 21 }));
    expect(seqScans(nodes)).toEqual([]);
    expect(indexesUsed(nodes)).toEqual(['orders_status_created_idx']);
    expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
  });

  it('get_customer_history reads every kind through a customer index', async () => {
    for (const id of [customerId(77), customerId(1)]) {
      const nodes = await plan(
        historyQuery(tdb.db, {
          customerId: id,
          kinds: HISTORY_KINDS,
          after: { ts: '2030-01-01T00:00:00.000000Z', kind: 'order', id: 'ord_999999999' },
          limit: 21,
          bodyChars: 501,
        }),
      );
      expect(seqScans(nodes), id).toEqual([]);
      expect(indexesUsed(nodes), id).toEqual(expect.arrayContaining(['interactions_customer_created_idx', 'orders_customer_created_idx']));
    }
  });
});
