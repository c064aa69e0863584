import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../seed/seed.js';
import { executePrepared, statementName } from '../../src/db/prepared.js';
import { findCustomerWithStats, customerWithStatsQuery } from '../../src/domains/customers/customers.repo.js';
import { fetchHistory, HISTORY_KINDS } from '../../src/domains/history/history.repo.js';
import { findOrderDetail } from '../../src/domains/orders/order-detail.repo.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/** The hot reads run as named prepared statements on the connection, with the same rows as plain execution. */

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 1 }); // one connection: the statements the reads prepared are on it
  await seedDatabase(tdb.pool, 'demo');
});

afterAll(async () => {
  await tdb?.drop();
});

const preparedNames = async () =>
  (await tdb.pool.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map((r) => r.name);

describe('named prepared statements for hot reads', () => {
  it('get_customer, get_order and history reads are prepared once per connection and shape, and give the rows plain execution gives', async () => {
    const { rows } = await tdb.pool.query<{ id: string; email: string; order_id: string }>(
      'SELECT c.id, c.email, o.id AS order_id FROM customers c JOIN orders o ON o.customer_id = c.id ORDER BY c.id, o.id LIMIT 1',
    );
    const c = rows[0]!;
    const byEmail = await findCustomerWithStats(tdb.db, { email: c.email.toUpperCase() });
    const again = await findCustomerWithStats(tdb.db, { email: c.email });
    const plain = await customerWithStatsQuery(tdb.db, { email: c.email }).executeTakeFirst();
    expect(byEmail?.id).toBe(c.id);
    expect(again).toEqual(byEmail);
    expect(byEmail?.order_count).toBeGreaterThan(0);
    expect(plain?.id).toBe(c.id);
    const order = await findOrderDetail(tdb.db, c.order_id);
    expect(order?.id).toBe(c.order_id);
    const history = await fetchHistory(tdb.db, { customerId: c.id, kinds: HISTORY_KINDS, limit: 5, bodyChars: 50 });
    expect(history.length).toBeGreaterThan(0);

    const names = await preparedNames();
    const email = customerWithStatsQuery(tdb.db, { email: c.email }).compile().sql;
    expect(names).toContain(statementName('customer_with_stats', email));
    expect(names.filter((n) => n.startsWith('customer_with_stats_'))).toHaveLength(1); // by email twice: one statement
    expect(names.some((n) => n.startsWith('order_detail_'))).toBe(true);
    expect(names.some((n) => n.startsWith('history_page_'))).toBe(true);
  });

  it('another shape of the same query gets a statement of its own', async () => {
    const { rows } = await tdb.pool.query<{ id: string }>('SELECT id FROM customers ORDER BY id LIMIT 1');
    const byId = await findCustomerWithStats(tdb.db, { id: rows[0]!.id });
    expect(byId?.id).toBe(rows[0]!.id);
    expect((await preparedNames()).filter((n) => n.startsWith('customer_with_stats_'))).toHaveLength(2);
  });

  it('executePrepared passes parameters, so no value is part of the statement', async () => {
    const q = tdb.db.selectFrom('customers').select('id').where('id', '=', 'cust_nobody').limit(1);
    expect(await executePrepared(tdb.db, 'probe', q)).toEqual([]);
    const [statement] = (await tdb.pool.query<{ statement: string }>("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'probe_%'")).rows;
    expect(statement?.statement).toContain('$1');
    expect(statement?.statement).not.toContain('cust_nobody');
  });
});
