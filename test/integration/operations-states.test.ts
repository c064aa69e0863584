import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../src/db/schema.js';
import { ORDER_STATUSES } from '../../src/domains/orders/order-transitions.js';
import { connectTestClient, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { openShop, placeOrder, type Shop } from '../helpers/operations.js';
import { errorCode, ok } from '../helpers/write-fixtures.js';

// Every operation against every order status: allowed ones prepare, forbidden ones answer INVALID_STATE,
// and get_order's allowed_actions says the same as the tools do.
let tdb: TestDatabase;
let sup: TestClient;
let shop: Shop;

beforeAll(async () => {
  tdb = await createTestDatabase();
  sup = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_PRINCIPAL: 'sup-states' });
  shop = await openShop(tdb.db);
});

afterAll(async () => {
  await sup?.close();
  await tdb?.drop();
});

const PRE_SHIPMENT: OrderStatus[] = ['pending', 'paid', 'processing'];

/** Each operation: the statuses it allows, and the call that tries it on an order. */
const OPERATIONS: { tool: string; allowed: OrderStatus[]; args: (orderId: string, version: number) => Record<string, unknown> }[] = [
  { tool: 'prepare_cancel_order', allowed: PRE_SHIPMENT, args: (id) => ({ order_id: id, reason: 'customer_request' }) },
  {
    tool: 'change_shipping_address',
    allowed: PRE_SHIPMENT,
    args: (id, version) => ({ order_id: id, expected_version: version, address: { recipient: 'A', line1: '1 Road', city: 'Town', postal_code: '12345', country: 'US' } }),
  },
  { tool: 'prepare_item_change', allowed: PRE_SHIPMENT, args: (id) => ({ order_id: id, items: [{ line_no: 1, sku: shop.shirt.M }] }) },
  { tool: 'prepare_payment_change', allowed: PRE_SHIPMENT, args: (id) => ({ order_id: id, payment_method_id: shop.paypal }) },
  { tool: 'prepare_return', allowed: ['delivered'], args: (id) => ({ order_id: id, items: [{ line_no: 2 }], reason: 'changed_mind' }) },
  { tool: 'prepare_exchange', allowed: ['delivered'], args: (id) => ({ order_id: id, items: [{ line_no: 1, sku: shop.shirt.M }], reason: 'wrong_size' }) },
  { tool: 'prepare_refund', allowed: ['paid', 'processing', 'shipped', 'delivered'], args: (id) => ({ order_id: id, amount_cents: 100, reason: 'goodwill' }) },
];

describe('operations by order status', () => {
  for (const status of ORDER_STATUSES) {
    it(`${status}: allowed operations prepare, the others answer INVALID_STATE, as allowed_actions says`, async () => {
      const expected: string[] = [];
      for (const op of OPERATIONS) {
        const order = await placeOrder(tdb.db, shop, { status });
        const res = await sup.call(op.tool, op.args(order.id, order.version));
        if (op.allowed.includes(status)) {
          expect(res.isError, `${op.tool} on ${status}`).toBeFalsy();
          expected.push(op.tool);
        } else {
          expect(errorCode(res), `${op.tool} on ${status}`).toBe('INVALID_STATE');
        }
      }
      const fresh = await placeOrder(tdb.db, shop, { status });
      const { allowed_actions } = ok<{ allowed_actions: string[] }>(await sup.call('get_order', { order_id: fresh.id }));
      expect([...allowed_actions].sort(), status).toEqual([...expected].sort());
    });
  }

  it('checks the state again at confirm time: a cancellation prepared before the order shipped is refused with CONFLICT', async () => {
    const order = await placeOrder(tdb.db, shop, { status: 'processing' });
    const prepared = ok<{ intent_id: string }>(await sup.call('prepare_cancel_order', { order_id: order.id, reason: 'customer_request' }));
    ok(await sup.call('update_order_status', { order_id: order.id, status: 'shipped' }));
    const res = await sup.call('confirm_action', { intent_id: prepared.intent_id });
    expect(errorCode(res)).toBe('CONFLICT');
    const row = await tdb.db.selectFrom('orders').select(['status', 'refunded_cents']).where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'shipped', refunded_cents: 0 });
    // Refused for good: the intent says so again.
    expect(errorCode(await sup.call('confirm_action', { intent_id: prepared.intent_id }))).toBe('CONFLICT');
    expect((await tdb.db.selectFrom('intents').select('status').where('id', '=', prepared.intent_id).executeTakeFirstOrThrow()).status).toBe('failed');
  });

  it('offers nothing on a delivered order whose window closed, except a refund', async () => {
    const order = await placeOrder(tdb.db, shop, { status: 'delivered', deliveredAt: new Date(Date.now() - 40 * 86_400_000) });
    const { allowed_actions } = ok<{ allowed_actions: string[] }>(await sup.call('get_order', { order_id: order.id }));
    expect(allowed_actions).toEqual(['prepare_refund']);
  });
});
