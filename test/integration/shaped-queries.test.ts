import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../seed/seed.js';
import { shapedQuery } from '../../src/db/prepared.js';
import { customerWithStats, customerWithStatsQuery } from '../../src/domains/customers/customers.repo.js';
import { historyPage, historyQuery, HISTORY_KINDS, type HistoryArgs } from '../../src/domains/history/history.repo.js';
import { orderDetail, orderDetailQuery } from '../../src/domains/orders/order-detail.repo.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * The hot reads compile once per shape and reuse the text with each call's parameters: for any
 * arguments, what they run must be exactly what a fresh Kysely compile of the same call gives.
 */

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 2 });
  await seedDatabase(tdb.pool, 'demo');
});

afterAll(async () => {
  await tdb?.drop();
});

const plain = (q: { sql: unknown; parameters: readonly unknown[] }) => ({ sql: String(q.sql), parameters: q.parameters });

const iso = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const historyArgs: fc.Arbitrary<HistoryArgs> = fc.record(
  {
    customerId: fc.string({ maxLength: 12 }),
    kinds: fc.shuffledSubarray([...HISTORY_KINDS], { minLength: 1 }),
    since: iso,
    until: iso,
    after: fc.record({ ts: iso, kind: fc.constantFrom(...HISTORY_KINDS), id: fc.string({ maxLength: 12 }) }),
    limit: fc.integer({ min: 1, max: 101 }),
    bodyChars: fc.integer({ min: 1, max: 2000 }),
  },
  { requiredKeys: ['customerId', 'kinds', 'limit', 'bodyChars'] },
);

/** Same shape as `args`, other values: what a first call of that shape may have been compiled from. */
function sameShapeOtherValues(args: HistoryArgs): HistoryArgs {
  return {
    customerId: `${args.customerId}x`,
    kinds: args.kinds,
    ...(args.since === undefined ? {} : { since: '1999-01-01T00:00:00.000Z' }),
    ...(args.until === undefined ? {} : { until: '1999-02-01T00:00:00.000Z' }),
    ...(args.after === undefined ? {} : { after: { ts: '1999-03-01T00:00:00.000Z', kind: args.after.kind, id: `${args.after.id}y` } }),
    limit: args.limit + 1,
    bodyChars: args.bodyChars + 1,
  };
}

describe('hot reads compiled once per shape', () => {
  it('history: for any arguments, the reused text and parameters equal a fresh compile', () => {
    fc.assert(
      fc.property(historyArgs, (args) => {
        historyPage.compiled(tdb.db, sameShapeOtherValues(args)); // the shape's text comes from other values
        expect(plain(historyPage.compiled(tdb.db, args))).toEqual(plain(historyQuery(tdb.db, args).compile()));
      }),
      { seed: Number(process.env.PROPERTY_SEED ?? 20261201), numRuns: 400 },
    );
  });

  it('customer by id or email and order detail: the reused text and parameters equal a fresh compile', () => {
    for (const ref of [{ id: 'cust_a' }, { email: 'Ann@Example.com' }, { id: 'cust_b' }, { email: 'bob@example.org' }, { email: 'ÉVE@example.net' }]) {
      expect(plain(customerWithStats.compiled(tdb.db, ref))).toEqual(plain(customerWithStatsQuery(tdb.db, ref).compile()));
    }
    for (const id of ['ord_1', 'ord_2', "ord_'; --"]) {
      expect(plain(orderDetail.compiled(tdb.db, id))).toEqual(plain(orderDetailQuery(tdb.db, id).compile()));
    }
  });

  it('builds and compiles a query once per shape, and refuses parameters that disagree with Kysely', async () => {
    let builds = 0;
    const counted = shapedQuery({
      name: 'shape_probe',
      shape: (ref: { id: string } | { email: string }) => ('id' in ref ? 'id' : 'email'),
      build: (db: typeof tdb.db, ref: { id: string } | { email: string }) => (builds++, customerWithStatsQuery(db, ref)),
      parameters: (ref) => ['id' in ref ? ref.id : ref.email.toLowerCase()],
    });
    const { rows } = await tdb.pool.query<{ id: string; email: string }>('SELECT id, email FROM customers ORDER BY id LIMIT 3');
    for (const c of rows) {
      const [byId] = await counted.run(tdb.db, { id: c.id });
      const [byEmail] = await counted.run(tdb.db, { email: c.email.toUpperCase() });
      expect(byId?.id).toBe(c.id);
      expect(byEmail?.id).toBe(c.id);
    }
    expect(builds).toBe(2);

    const wrong = shapedQuery({ name: 'shape_wrong', shape: () => '', build: orderDetailQuery, parameters: (id: string) => [id] });
    expect(() => wrong.compiled(tdb.db, 'ord_1')).toThrow(/disagrees/);
  });

  it('history pages through the reused statements give the rows plain execution gives', async () => {
    const { rows } = await tdb.pool.query<{ customer_id: string }>(
      'SELECT customer_id FROM orders GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 1',
    );
    const base: HistoryArgs = { customerId: rows[0]!.customer_id, kinds: HISTORY_KINDS, limit: 3, bodyChars: 20 };
    let args = base;
    for (let page = 0; page < 4; page++) {
      const reused = await historyPage.run(tdb.db, args);
      expect(reused).toEqual(await historyQuery(tdb.db, args).execute());
      const last = reused.at(-1);
      if (!last) break;
      args = { ...base, after: { ts: last.cursor_ts, kind: last.kind, id: last.id } };
    }
  });
});
