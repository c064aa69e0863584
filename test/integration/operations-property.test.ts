import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANCEL_REASONS, RETURN_REASONS } from '../../src/domains/orders/order-reasons.js';
import { seedDatabase } from '../../seed/seed.js';
import { connectTestClient, textOf, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { brokenInvariants } from '../helpers/ledger-invariants.js';
import { errorCode } from '../helpers/write-fixtures.js';

// 1,000 random operations (prepared and confirmed, or left pending and confirmed later, by an agent
// or a supervisor) over about 170 orders of the demo seed in every state, half of them on a dozen hot
// orders so that operations meet. After every step every ledger invariant holds on the order the step
// touched (a step changes one order, plus gift card balances and stock, which are checked whole);
// every 100 steps on all the orders of the run, and at the start and end on the whole database.
// Every answer is a success or an expected domain error.
const STEPS = Number(process.env.PROPERTY_STEPS ?? 1_000);
const EXPECTED_CODES = ['VALIDATION', 'INVALID_STATE', 'CONFLICT', 'POLICY', 'NOT_FOUND', 'EXPIRED'];

let tdb: TestDatabase;
let sup: TestClient;
let agent: TestClient;
let pool: string[];
/** Half of the steps go to these few orders, not shipped yet or recently delivered, so that operations meet. */
let hot: string[];

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 4 });
  await seedDatabase(tdb.pool, 'demo');
  sup = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_PRINCIPAL: 'prop-sup' });
  agent = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'agent', SUPPORTDESK_PRINCIPAL: 'prop-agent', SUPPORTDESK_REFUND_DAILY_LIMIT_CENTS: '1000000' });
  // Orders every operation can apply to: not shipped yet, shipped, delivered within the window, and some
  // older and cancelled ones for the refusals.
  const { rows } = await sql<{ id: string; hot: boolean }>`
    (SELECT id, row_number() OVER (ORDER BY id) <= ${HOT / 2} AS hot FROM orders WHERE status IN ('pending', 'paid', 'processing'))
    UNION ALL (SELECT id, false FROM orders WHERE status = 'shipped' ORDER BY id LIMIT 40)
    UNION ALL (SELECT id, row_number() OVER (ORDER BY id) <= ${HOT / 2} FROM orders WHERE status = 'delivered' AND updated_at > now() - interval '25 days' ORDER BY id LIMIT 60)
    UNION ALL (SELECT id, false FROM orders WHERE status = 'delivered' AND updated_at < now() - interval '60 days' ORDER BY id LIMIT 15)
    UNION ALL (SELECT id, false FROM orders WHERE status = 'cancelled' ORDER BY id LIMIT 10)`.execute(tdb.db);
  pool = rows.map((r) => r.id);
  hot = rows.filter((r) => r.hot).map((r) => r.id);
}, 120_000);

afterAll(async () => {
  await sup?.close();
  await agent?.close();
  await tdb?.drop();
});

interface OrderFacts {
  id: string;
  version: number;
  lines: { line_no: number; quantity: number; siblings: string[] }[];
  methods: string[];
  giftCards: string[];
  netPaid: number;
}

/** What the generator needs to pick plausible arguments: lines with their product's variants, the customer's methods. */
async function facts(orderId: string): Promise<OrderFacts> {
  const { rows } = await sql<OrderFacts>`
    SELECT o.id, o.version, o.paid_cents - o.refunded_cents AS "netPaid",
      (SELECT json_agg(json_build_object('line_no', i.line_no, 'quantity', i.quantity,
         'siblings', (SELECT json_agg(w.sku ORDER BY w.sku) FROM variants w WHERE w.product_id = v.product_id)) ORDER BY i.line_no)
       FROM order_items i JOIN variants v ON v.sku = i.sku WHERE i.order_id = o.id) AS lines,
      (SELECT coalesce(json_agg(m.id ORDER BY m.id), '[]') FROM payment_methods m WHERE m.customer_id = o.customer_id) AS methods,
      (SELECT coalesce(json_agg(m.id ORDER BY m.id), '[]') FROM payment_methods m WHERE m.customer_id = o.customer_id AND m.kind = 'gift_card') AS "giftCards"
    FROM orders o WHERE o.id = ${orderId}`.execute(tdb.db);
  return rows[0] as OrderFacts;
}

const HOT = 16;

interface Pending {
  intentId: string;
  tool: string;
  orderId: string;
  client: TestClient;
}

const pick = <T>(items: readonly T[], n: number): T | undefined => (items.length === 0 ? undefined : items[n % items.length]);

const step = fc.record({
  op: fc.constantFrom('refund', 'cancel', 'item_change', 'payment_change', 'return', 'exchange', 'address', 'advance', 'confirm_later', 'interleave'),
  order: fc.nat(),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  asAgent: fc.boolean(),
  later: fc.boolean(),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** The tool call a step makes, from the order as it is now; null when the step only confirms an older intent. */
function callFor(s: Step, f: OrderFacts): [string, Record<string, unknown>] | null {
  const line = pick(f.lines, s.a);
  const sibling = line ? pick(line.siblings, s.b) : undefined;
  const method = s.c % 4 === 0 ? undefined : pick(f.methods, s.c);
  const swap = { order_id: f.id, items: [{ line_no: line?.line_no ?? 1, sku: sibling ?? 'NONE-000' }], ...(method ? { payment_method_id: method } : {}) };
  switch (s.op) {
    case 'refund':
      return ['prepare_refund', { order_id: f.id, amount_cents: s.c % 5 === 0 ? 'full' : 1 + (s.b % Math.max(1, f.netPaid + 500)), reason: 'goodwill' }];
    case 'cancel':
      return ['prepare_cancel_order', { order_id: f.id, reason: pick(CANCEL_REASONS, s.b) }];
    case 'item_change':
      return ['prepare_item_change', swap];
    case 'payment_change':
      return ['prepare_payment_change', { order_id: f.id, payment_method_id: pick(f.methods, s.b) ?? 'pm_000000' }];
    case 'return': {
      const refundTo = s.c % 3 === 0 ? pick(f.giftCards, s.c) : undefined;
      const quantity = line ? 1 + (s.b % line.quantity) : 1;
      return ['prepare_return', { order_id: f.id, items: [{ line_no: line?.line_no ?? 1, quantity }], reason: pick(RETURN_REASONS, s.a), override_window: s.c % 7 === 0, ...(refundTo ? { refund_to: refundTo } : {}) }];
    }
    case 'exchange':
      return ['prepare_exchange', { ...swap, reason: pick(RETURN_REASONS, s.a), override_window: s.c % 7 === 0 }];
    case 'address': {
      const address = { recipient: `Prop ${s.a}`, line1: `${s.b % 999} Random Rd`, city: 'Testville', postal_code: String(10_000 + (s.c % 89_999)), country: 'US' };
      return ['change_shipping_address', { order_id: f.id, expected_version: Math.max(1, f.version - (s.c % 2)), address }];
    }
    case 'advance':
      return ['update_order_status', { order_id: f.id, status: pick(['paid', 'processing', 'shipped', 'delivered'], s.b) }];
    case 'confirm_later':
    case 'interleave':
      return null;
  }
}

/** A cancellation prepared, then the address changed, then the cancellation confirmed: the order moved in between. */
async function interleave(client: TestClient, f: OrderFacts, i: number): Promise<string> {
  const cancel = await client.call('prepare_cancel_order', { order_id: f.id, reason: 'customer_request' });
  expectAnswer(cancel, `step ${i} interleaved cancel`);
  const address = { recipient: 'Inter Leave', line1: `${i} Between St`, city: 'Race', postal_code: '00000', country: 'US' };
  const moved = await client.call('change_shipping_address', { order_id: f.id, expected_version: f.version, address });
  expectAnswer(moved, `step ${i} interleaved address change`);
  const intentId = (cancel.structuredContent as { intent_id?: string } | undefined)?.intent_id;
  if (!intentId) return `interleave:${errorCode(cancel)}`;
  const confirmed = await client.call('confirm_action', { intent_id: intentId });
  expectAnswer(confirmed, `step ${i} interleaved confirm`);
  // Once the address change went through, the cancellation must be refused.
  if (!moved.isError) expect(errorCode(confirmed), `step ${i}`).toBe('CONFLICT');
  return `interleave:${confirmed.isError ? errorCode(confirmed) : 'confirmed'}`;
}

function expectAnswer(r: CallToolResult, what: string): void {
  if (!r.isError) return;
  expect(EXPECTED_CODES, `${what}: ${textOf(r)}`).toContain(errorCode(r));
}

describe('a property of the order operations', () => {
  it('the invariant checks catch a broken ledger (they can fail)', async () => {
    const broken = await tdb.db
      .transaction()
      .execute(async (trx) => {
        await sql`ALTER TABLE payment_transactions DISABLE TRIGGER payment_transactions_apply`.execute(trx);
        const victim = pool[0] as string;
        const paid = await trx.selectFrom('payment_transactions').selectAll().where('order_id', '=', victim).where('kind', '=', 'payment').executeTakeFirstOrThrow();
        await trx.insertInto('payment_transactions').values({ ...paid, id: 'txn_brokenledger1', kind: 'refund', amount_cents: paid.amount_cents + 1, status: 'completed' }).execute();
        const found = await brokenInvariants(trx, [victim]);
        throw Object.assign(new Error('rollback'), { found });
      })
      .catch((err: { found?: Record<string, unknown[]> }) => err.found ?? {});
    expect(Object.keys(broken)).toEqual(expect.arrayContaining(['orders.paid_cents and refunded_cents are the sums of the ledger', 'per order and method, refunds never exceed payments']));
    expect(await brokenInvariants(tdb.db, pool)).toEqual({});
  });

  it(`keeps every ledger invariant through ${STEPS} random operations`, async () => {
    expect(await brokenInvariants(tdb.db)).toEqual({});
    const pending: Pending[] = [];
    const tally: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: STEPS, maxLength: STEPS }), async (steps) => {
        for (const [i, s] of steps.entries()) {
          const client = s.asAgent ? agent : sup;
          const f = await facts(pick(s.b % 2 === 0 ? hot : pool, s.order) as string);
          let touched = f.id;
          const call = callFor(s, f);
          let outcome = 'pending-confirmed';
          if (call) {
            const r = await client.call(call[0], call[1]);
            expectAnswer(r, `step ${i} ${call[0]} ${JSON.stringify(call[1])}`);
            const intentId = (r.structuredContent as { intent_id?: string } | undefined)?.intent_id;
            outcome = r.isError ? `${call[0]}:${errorCode(r)}` : `${call[0]}:ok`;
            if (intentId && s.later) pending.push({ intentId, tool: call[0], orderId: f.id, client });
            else if (intentId) {
              const confirmed = await client.call('confirm_action', { intent_id: intentId });
              expectAnswer(confirmed, `step ${i} confirm ${call[0]}`);
              outcome = `${call[0]}:${confirmed.isError ? errorCode(confirmed) : 'confirmed'}`;
            }
          } else if (s.op === 'interleave') {
            outcome = await interleave(client, f, i);
          } else if (pending.length > 0) {
            const older = pending.splice(s.a % pending.length, 1)[0] as Pending;
            touched = older.orderId;
            const confirmed = await older.client.call('confirm_action', { intent_id: older.intentId });
            expectAnswer(confirmed, `step ${i} late confirm`);
            outcome = confirmed.isError ? `late:${errorCode(confirmed)}` : `${older.tool}:confirmed`;
          }
          tally[outcome] = (tally[outcome] ?? 0) + 1;
          expect(await brokenInvariants(tdb.db, i % 100 === 99 ? pool : [touched]), `after step ${i} (${outcome}) on ${touched}`).toEqual({});
        }
      }),
      // A fixed seed keeps the run reproducible; PROPERTY_SEED explores others (fast-check prints the seed of a failure).
      { numRuns: 1, endOnFailure: true, seed: Number(process.env.PROPERTY_SEED ?? 20_260_101) },
    );
    expect(await brokenInvariants(tdb.db)).toEqual({});
    // The run exercised every operation to completion, not only their refusals.
    for (const tool of ['prepare_refund', 'prepare_cancel_order', 'prepare_item_change', 'prepare_payment_change', 'prepare_return', 'prepare_exchange']) {
      expect(tally[`${tool}:confirmed`] ?? 0, `${tool} confirmed at least once: ${JSON.stringify(tally)}`).toBeGreaterThan(0);
    }
    expect(tally['interleave:CONFLICT'] ?? 0, JSON.stringify(tally)).toBeGreaterThan(0);
  }, 120_000);
});
