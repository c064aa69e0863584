import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertPaymentMethod } from '../helpers/fixtures.js';
import { openShop, placeOrder, type Shop } from '../helpers/operations.js';

// The invariants the database itself enforces, whatever the application does: writes that would
// break them fail with the named constraint.
let tdb: TestDatabase;
let shop: Shop;
let orderId: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  shop = await openShop(tdb.db, 1_000);
  orderId = (await placeOrder(tdb.db, shop, { payments: [{ methodId: shop.card, cents: 6_000 }, { methodId: shop.giftCard, cents: 500 }] })).id;
});

afterAll(async () => {
  await tdb?.drop();
});

const txn = (over: Record<string, unknown>) => ({
  id: newId('transaction'),
  order_id: orderId,
  payment_method_id: shop.card,
  kind: 'refund' as const,
  amount_cents: 100,
  currency: 'USD',
  status: 'completed' as const,
  settled_at: new Date(),
  ...over,
});

const insert = (over: Record<string, unknown>) => tdb.db.insertInto('payment_transactions').values(txn(over)).execute();

describe('the ledger in the database', () => {
  it('keeps refunds per order and payment method within its payments', async () => {
    await insert({ amount_cents: 6_000 });
    await expect(insert({ amount_cents: 1 })).rejects.toMatchObject({ constraint: 'payment_transactions_refunds_within_payments' });
    await expect(insert({ payment_method_id: shop.paypal })).rejects.toMatchObject({ constraint: 'payment_transactions_refunds_within_payments' });
    const row = await tdb.db.selectFrom('orders').select(['paid_cents', 'refunded_cents']).where('id', '=', orderId).executeTakeFirstOrThrow();
    expect(row).toEqual({ paid_cents: 6_500, refunded_cents: 6_000 });
  });

  it('keeps the order\u2019s refunded and paid amounts the sums of the ledger, never written directly', async () => {
    await expect(sql`UPDATE orders SET refunded_cents = 0 WHERE id = ${orderId}`.execute(tdb.db)).rejects.toMatchObject({ constraint: 'orders_money_follows_ledger' });
    await expect(sql`UPDATE orders SET paid_cents = 1 WHERE id = ${orderId}`.execute(tdb.db)).rejects.toMatchObject({ constraint: 'orders_money_follows_ledger' });
    await expect(
      tdb.db.insertInto('orders').values({ id: newId('order'), customer_id: shop.customerId, status: 'paid', currency: 'USD', total_cents: 1, refunded_cents: 1 }).execute(),
    ).rejects.toMatchObject({ constraint: 'orders_money_follows_ledger' });
  });

  it('never lets a gift card balance go below zero, and credits gift card refunds at once', async () => {
    const before = (await tdb.db.selectFrom('payment_methods').select('balance_cents').where('id', '=', shop.giftCard).executeTakeFirstOrThrow()).balance_cents ?? 0;
    await expect(insert({ kind: 'payment', payment_method_id: shop.giftCard, amount_cents: before + 1 })).rejects.toMatchObject({ constraint: 'payment_methods_balance_not_negative' });
    await expect(insert({ payment_method_id: shop.giftCard, status: 'pending', settled_at: null, expected_settlement_at: new Date() })).rejects.toMatchObject({
      constraint: 'payment_transactions_gift_card_refund',
    });
    await insert({ payment_method_id: shop.giftCard, amount_cents: 200 });
    expect((await tdb.db.selectFrom('payment_methods').select('balance_cents').where('id', '=', shop.giftCard).executeTakeFirstOrThrow()).balance_cents).toBe(before + 200);
  });

  it('keeps ledger rows in the order currency, with methods of the order\u2019s customer, credited only to gift cards', async () => {
    await expect(insert({ currency: 'EUR' })).rejects.toMatchObject({ constraint: 'payment_transactions_order_currency' });
    const stranger = await openShop(tdb.db);
    await expect(insert({ kind: 'payment', payment_method_id: stranger.card })).rejects.toMatchObject({ constraint: 'payment_transactions_method_of_customer' });
    await expect(insert({ payment_method_id: shop.card, credited_method_id: shop.paypal, amount_cents: 1 })).rejects.toMatchObject({
      constraint: 'payment_transactions_refunds_within_payments',
    });
    const eurGift = await insertPaymentMethod(tdb.db, shop.customerId, 'gift_card', { currency: 'EUR' });
    await expect(insert({ kind: 'payment', payment_method_id: eurGift.id })).rejects.toMatchObject({ constraint: 'payment_transactions_gift_card_currency' });
  });

  it('credits store credit only to a gift card', async () => {
    const order = await placeOrder(tdb.db, shop);
    await expect(
      tdb.db.insertInto('payment_transactions').values(txn({ order_id: order.id, credited_method_id: shop.paypal })).execute(),
    ).rejects.toMatchObject({ constraint: 'payment_transactions_credit_to_gift_card' });
  });

  it('never lets stock go below zero', async () => {
    await expect(sql`UPDATE variants SET stock_on_hand = stock_on_hand - 100 WHERE sku = ${shop.mug}`.execute(tdb.db)).rejects.toMatchObject({ constraint: 'variants_stock_on_hand_check' });
  });

  it('keeps addresses immutable and returns within the line quantity', async () => {
    const address = await tdb.db
      .insertInto('addresses')
      .values({ id: newId('address'), customer_id: shop.customerId, recipient: 'A', line1: 'B', city: 'C', postal_code: 'D', country: 'US' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(sql`UPDATE addresses SET city = 'X' WHERE id = ${address.id}`.execute(tdb.db)).rejects.toMatchObject({ constraint: 'addresses_immutable' });
    await expect(sql`UPDATE order_items SET returned_quantity = quantity + 1 WHERE order_id = ${orderId}`.execute(tdb.db)).rejects.toMatchObject({
      constraint: 'order_items_returned_within_quantity',
    });
  });
});
